"""``prakerja-gateway check-feed``: a partner's feed read exactly as a refresh reads it, then reported.

The same adapter, HTTP client, budget and retries as a refresh (:mod:`refresher.catalogue`); nothing is kept.
The command joins the gateway's CLI through the ``prakerja_gateway.commands`` entry points.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Iterable
from urllib.parse import urlsplit

import orjson

from adapters import ADAPTERS, FeedError
from core.commands import CommandGroup
from core.config import CatalogueConfig, PlatformConfig
from core.feed_report import MAX_UNUSABLE_SHARE, FeedReport

from .catalogue import REFRESH_RETRIES, feed_session, refresh_budget_s

SHOWN = 20
"""Unusable listings, labels, ids and pages listed one a line in the readable report; ``--json`` has them all."""


def add_check_feed(commands: CommandGroup) -> None:
    check = commands.add_parser(
        "check-feed", help="check a partner's feed before it goes live",
        description="Read a feed exactly as a refresh would, change nothing, and report. Exit 0: it could go live; "
                    "1: it could not (it cannot be read whole, or more than 5% of its listings are unusable); "
                    "2: bad arguments.",
    )
    check.add_argument("url", metavar="URL", type=feed_url,
                       help="the feed's base URL, as the platform's base_url will be configured")
    check.add_argument("--adapter", metavar="NAME", default="standard", choices=sorted(ADAPTERS),
                       help=f"how to read the feed: {', '.join(sorted(ADAPTERS))}; standard is the feed of "
                            "platforms admitted later")
    check.add_argument("--api-key", metavar="KEY", help="sent in the adapter's api key header, never shown "
                                                        "(default: none)")
    check.add_argument("--json", action="store_true", default=None, help="one JSON object, for a pipeline")
    check.set_defaults(run=_run)


def feed_url(text: str) -> str:
    """The feed's base URL as a platform's ``base_url`` is configured (without a trailing slash)."""
    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise argparse.ArgumentTypeError("the feed's URL must start with http:// or https:// and name a host")
    if parts.query or parts.fragment:
        # The adapter appends its own paths and parameters to the base URL, as to a configured base_url.
        raise argparse.ArgumentTypeError("give the feed's base URL, without ?query or #fragment")
    return text.strip().rstrip("/")


def _run(args: argparse.Namespace) -> int:
    report = asyncio.run(check_feed(args.url, args.adapter, args.api_key or ""))
    print(orjson.dumps(report.to_json()).decode() if args.json else describe(report, args.url))
    return 0 if report.ok else 1


async def check_feed(url: str, adapter: str, api_key: str = "") -> FeedReport:
    """Read the feed at ``url`` with ``adapter`` as a refresh would, and say what was found."""
    platform = PlatformConfig(slug=adapter, base_url=url, adapter=adapter, api_key=api_key)
    async with feed_session() as session:
        try:
            result = await ADAPTERS[adapter](platform, session).fetch(
                refresh_budget_s(CatalogueConfig(), platform), retries=REFRESH_RETRIES
            )
        except FeedError as exc:
            return exc.report or FeedReport(adapter, errors=(str(exc),))
    return result.report


def describe(report: FeedReport, url: str) -> str:
    """The report for a person."""
    verdict = "could go live" if report.ok else "could NOT go live"
    lines = [f"{url} read with the {report.adapter!r} adapter: {verdict}.", ""]
    if report.errors:
        lines += ["What stops it:", *(f"  - {error}" for error in report.errors), ""]
    share = report.unusable_count / report.listings if report.listings else 0.0
    lines += [
        f"{report.listings} listings in {report.pages} page{'s' if report.pages != 1 else ''}, each counted once:",
        f"  inactive   {report.inactive:>7}",
        f"  unusable   {report.unusable_count:>7}   ({share:.1%}; more than {MAX_UNUSABLE_SHARE:.0%} stops go-live)",
        f"  bundles    {report.bundles:>7}   (never listed)",
        f"  on sale    {report.on_sale:>7}",
    ]
    lines += _some(f"    {u.id or '(no id)'}: {u.reason}" for u in report.unusable)
    lines += [
        "",
        "Courses on sale the rules would make INELIGIBLE:",
        f"  without an NIB             {report.missing.nib:>7}",
        f"  without a syllabus         {report.missing.syllabus:>7}",
        f"  without a final assessment {report.missing.final_assessment:>7}",
        "",
        f"Category labels that fall to Lainnya: {len(report.unmapped_labels) or 'none'}",
        *_some(f"  {label!r}" for label in report.unmapped_labels),
        f"Ids carried by more than one listing: {len(report.duplicate_ids) or 'none'}",
        *_some(f"  {listing_id}" for listing_id in report.duplicate_ids),
    ]
    if report.retried:
        lines += ["Read again after a failure:", *_some(f"  - {error}" for error in report.retried)]
    if report.responses:
        total = sum(page.bytes for page in report.responses)
        slowest = max(report.responses, key=lambda page: page.ms)
        lines += ["", f"Answers: {len(report.responses)}, {_size(total)} in all; "
                      f"slowest page {slowest.page}, {slowest.ms:.1f} ms"]
        lines += _some(f"  page {page.page:>4}  {page.ms:>8.1f} ms  {_size(page.bytes):>10}"
                       for page in report.responses)
    return "\n".join(lines)


def _some(lines: Iterable[str]) -> list[str]:
    shown = list(lines)
    if len(shown) <= SHOWN:
        return shown
    return [*shown[:SHOWN], f"  ... and {len(shown) - SHOWN} more named with --json"]


def _size(size: int) -> str:
    return f"{size} B" if size < 1024 else f"{size / 1024:.1f} KiB"
