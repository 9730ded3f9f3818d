"""``prakerja-gateway check-feed`` against the sandbox's feed of every platform and of the standard feed.

A clean feed is checked against the sandbox's own records; then each defect is injected alone into a spotless feed
(every listing on sale and eligible), so the report must name exactly that defect and exit as the spec says.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import orjson
import pytest

from gateway.cli import main
from sandbox import CourseRecord, DemoCatalogue, Fault, SandboxThread, generate
from sandbox.platforms import OTHER, PLATFORMS, STANDARD_FEED, labels_for

ADAPTER = {slug: "standard" if slug in STANDARD_FEED else slug for slug in PLATFORMS}
WHOLE_DOCUMENT = frozenset({"pintaria", "sisnaker"})
"""Feeds served as one document: they have no page 2 and no cursor."""
PAGED = tuple(slug for slug in PLATFORMS if slug not in WHOLE_DOCUMENT)
FIRST_PAGE = {slug: 100 if slug == "tokopedia" else 50 for slug in PAGED}
"""Listings on a page as each adapter asks for them."""
NOT_READABLE = {
    "pintaria": "the feed is not a usable XML document",
    "sisnaker": "the export holds no JSON lines",
}

Check = Callable[..., tuple[int, dict[str, Any]]]


def spotless(catalogue: DemoCatalogue) -> DemoCatalogue:
    """Every listing active, single, readable, eligible and in a mapped category; no broken line."""
    records = []
    for record in catalogue.records:
        if record.category == OTHER:
            record = replace(record, category="Teknologi Informasi",
                             platform_category=labels_for(record.platform, "Teknologi Informasi")[0])
        records.append(replace(record, active=True, is_bundle=False, components=(), bad_price=False,
                               provider_nib=record.provider_nib or "9120000000001",
                               syllabus=record.syllabus or ("Pengantar",), has_final_assessment=True))
    return DemoCatalogue(records, seed=catalogue.seed)


@pytest.fixture(scope="module")
def generated() -> DemoCatalogue:
    # Big enough for a second page on every paged feed (Tokopedia's pages hold 100), small enough to read quickly.
    # One broken line in Sisnaker's export of about 50: the generator's two would be more than 5% of a feed so small.
    return generate(800, seed=12).with_feed_faults(junk_lines=1)


@pytest.fixture(scope="module")
def clean(generated: DemoCatalogue) -> DemoCatalogue:
    return spotless(generated)


@pytest.fixture(scope="module")
def running(clean: DemoCatalogue) -> Iterator[SandboxThread]:
    with SandboxThread(clean) as sandbox:
        yield sandbox


@pytest.fixture
def sandbox(running: SandboxThread, clean: DemoCatalogue) -> Iterator[SandboxThread]:
    running.replace_catalogue(clean)
    yield running
    running.clear_faults()


@pytest.fixture
def check(sandbox: SandboxThread, capsys: pytest.CaptureFixture[str]) -> Check:
    """Run ``check-feed --json`` on a platform's sandbox feed, as its engineers would; its exit code and JSON."""

    def run(slug: str, *extra: str) -> tuple[int, dict[str, Any]]:
        code = main(["check-feed", sandbox.urls[slug], "--adapter", ADAPTER[slug],
                     "--api-key", sandbox.api_keys.get(slug, ""), "--json", *extra])
        report: dict[str, Any] = orjson.loads(capsys.readouterr().out)
        return code, report

    return run


def records(sandbox: SandboxThread, slug: str) -> tuple[CourseRecord, ...]:
    return sandbox.catalogue.by_platform[slug]


def changed(sandbox: SandboxThread, record: CourseRecord, **changes: Any) -> None:
    sandbox.replace_catalogue(sandbox.catalogue.with_records([replace(record, **changes)]))


def nothing_wrong_but(report: dict[str, Any], **expected: Any) -> None:
    """The report of a spotless feed, but for ``expected``."""
    quiet = {"ok": True, "bundles": 0, "inactive": 0, "unusable_count": 0, "unusable": [],
             "missing": {"nib": 0, "syllabus": 0, "final_assessment": 0}, "unmapped_labels": [],
             "duplicate_ids": [], "errors": [], "retried": []}
    assert {key: report[key] for key in quiet} == quiet | expected


# -- a clean feed -------------------------------------------------------------------------------------


def label_key(label: str) -> str:
    return " ".join(label.split()).casefold()


@pytest.mark.parametrize("slug", PLATFORMS)
def test_a_clean_feed_could_go_live_with_every_listing_counted_once(
    sandbox: SandboxThread, generated: DemoCatalogue, check: Check, slug: str
) -> None:
    sandbox.replace_catalogue(generated)
    mine = generated.by_platform[slug]
    junk = generated.junk_lines if slug == "sisnaker" else 0
    readable = [r for r in mine if r.active and not r.bad_price]
    on_sale = [r for r in readable if not r.is_bundle]

    code, report = check(slug)

    assert code == 0 and report["ok"] is True and report["errors"] == []
    assert report["adapter"] == ADAPTER[slug]
    assert report["listings"] == len(mine) + junk
    assert report["inactive"] == sum(not r.active for r in mine)
    assert report["unusable_count"] == sum(r.active and r.bad_price for r in mine) + junk
    assert sorted(u["id"] for u in report["unusable"] if u["id"]) == sorted(
        r.listing_id for r in mine if r.active and r.bad_price)
    assert report["bundles"] == sum(r.is_bundle for r in readable)
    assert report["on_sale"] == len(on_sale) == len(generated.on_sale(slug))
    assert report["missing"] == {
        "nib": sum(r.provider_nib is None for r in on_sale),
        "syllabus": sum(not r.syllabus for r in on_sale),
        "final_assessment": sum(not r.has_final_assessment for r in on_sale),
    }
    assert {label_key(label) for label in report["unmapped_labels"]} == {
        label_key(r.platform_category) for r in readable if r.category == OTHER and label_key(r.platform_category)
        != label_key(OTHER)
    }
    assert report["duplicate_ids"] == []
    pages = report["responses"]
    assert report["pages"] == len(pages) == (1 if slug in WHOLE_DOCUMENT else -(-len(mine) // FIRST_PAGE[slug]))
    assert [page["page"] for page in pages] == list(range(1, len(pages) + 1))
    assert all(page["bytes"] > 0 and page["ms"] >= 0 for page in pages)


def test_nothing_is_counted_twice_and_nothing_left_out(sandbox: SandboxThread, generated: DemoCatalogue,
                                                        check: Check) -> None:
    sandbox.replace_catalogue(generated)
    for slug in PLATFORMS:
        _, report = check(slug)
        parts = report["inactive"] + report["unusable_count"] + report["bundles"] + report["on_sale"]
        assert parts == report["listings"], slug


# -- defects that stop a feed going live --------------------------------------------------------------


@pytest.mark.parametrize("slug", PLATFORMS)
def test_an_http_error_stops_it(sandbox: SandboxThread, check: Check, slug: str) -> None:
    sandbox.set_fault(slug, Fault(status=403))
    code, report = check(slug)
    assert code == 1 and report["ok"] is False
    assert len(report["errors"]) == 1 and re.fullmatch(r"page 1: HTTP 403 from /\S+", report["errors"][0])
    assert report["pages"] == report["listings"] == 0


def test_a_server_error_is_read_again_as_a_refresh_would_before_it_stops_the_feed(
    sandbox: SandboxThread, check: Check
) -> None:
    sandbox.set_fault("karirmu", Fault(status=500))
    before = sandbox.request_count("karirmu")
    code, report = check("karirmu")
    assert code == 1
    assert report["errors"] == ["page 1: HTTP 500 from /prakerja-feed/v1/courses"]
    assert report["retried"] == ["page 1: HTTP 500 from /prakerja-feed/v1/courses"] * 2
    assert sandbox.request_count("karirmu") - before == 3


def test_a_missing_api_key_is_an_http_error(sandbox: SandboxThread, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check-feed", sandbox.urls["tokopedia"], "--adapter", "tokopedia", "--json"])
    report = orjson.loads(capsys.readouterr().out)
    assert code == 1 and report["errors"] == ["page 1: HTTP 401 from /v1/prakerja/products"]


def test_the_api_key_is_never_shown(sandbox: SandboxThread, capsys: pytest.CaptureFixture[str]) -> None:
    for output in ([], ["--json"]):
        code = main(["check-feed", sandbox.urls["bukalapak"], "--adapter", "bukalapak", "--api-key", "wrong-k3y",
                     *output])
        shown = capsys.readouterr()
        assert code == 1 and "HTTP 401" in shown.out
        assert "wrong-k3y" not in shown.out + shown.err


def test_a_feed_that_cannot_be_reached_stops_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-feed", "http://127.0.0.1:9", "--json"]) == 1
    report = orjson.loads(capsys.readouterr().out)
    assert report["errors"] == ["page 1: cannot reach the platform (ClientConnectorError)"]
    assert len(report["retried"]) == 2  # read again, as a refresh would


@pytest.mark.parametrize("slug", PLATFORMS)
def test_a_garbage_body_stops_it(sandbox: SandboxThread, check: Check, slug: str) -> None:
    sandbox.set_fault(slug, Fault(garbage=True))
    code, report = check(slug)
    assert code == 1 and len(report["errors"]) == 1
    error = report["errors"][0]
    assert error.startswith("page 1: ") and NOT_READABLE.get(slug, "is not valid JSON") in error
    assert report["listings"] == 0


@pytest.mark.parametrize("slug", PAGED)
def test_a_page_2_that_fails_stops_it(sandbox: SandboxThread, check: Check, slug: str) -> None:
    sandbox.set_fault(slug, Fault(status=403, after=1))
    code, report = check(slug)
    assert code == 1
    assert len(report["errors"]) == 1 and re.fullmatch(r"page 2: HTTP 403 from /\S+", report["errors"][0])
    assert report["pages"] == 1 and len(report["responses"]) == 1
    assert report["listings"] == report["on_sale"] == FIRST_PAGE[slug]


@pytest.mark.parametrize("slug", PAGED)
def test_a_cursor_that_repeats_stops_it(sandbox: SandboxThread, check: Check, slug: str) -> None:
    # Page 2 answers as page 1 did: its next-page cursor (token, link, or the page or offset it says it is for,
    # plus one page) leads back to page 2.
    sandbox.set_fault(slug, Fault(replay=True, after=1))
    code, report = check(slug)
    assert code == 1
    assert report["errors"] == ["page 2: its next-page cursor leads back to a page already read"]
    # The repeated page is refused before its listings count: nothing is counted twice.
    assert report["pages"] == 1 and report["listings"] == FIRST_PAGE[slug] and report["duplicate_ids"] == []


@pytest.mark.parametrize("slug", ["karirmu", "sisnaker"])
def test_more_than_5_percent_unusable_stops_it(sandbox: SandboxThread, check: Check, slug: str) -> None:
    mine = records(sandbox, slug)
    spoilt = mine[: len(mine) // 20 + 1]
    sandbox.replace_catalogue(sandbox.catalogue.with_records(replace(r, bad_price=True) for r in spoilt))
    code, report = check(slug)
    assert code == 1 and report["unusable_count"] == len(spoilt)
    share = len(spoilt) / len(mine)
    assert report["errors"] == [f"{len(spoilt)} of {len(mine)} listings ({share:.1%}) cannot be used: more than 5%"]


def test_5_percent_unusable_is_the_most_a_feed_may_have(sandbox: SandboxThread, check: Check) -> None:
    mine = records(sandbox, "karirmu")
    forty = sandbox.catalogue.without(*(r.id for r in mine[40:]))
    sandbox.replace_catalogue(forty.with_records(replace(r, bad_price=True) for r in mine[:2]))
    code, report = check("karirmu")
    assert code == 0 and report["errors"] == []
    assert (report["unusable_count"], report["listings"]) == (2, 40)


# -- defects that are named, and leave the feed fit to go live ---------------------------------------


@pytest.mark.parametrize("slug", PLATFORMS)
def test_the_spotless_feed_has_nothing_to_report(sandbox: SandboxThread, check: Check, slug: str) -> None:
    code, report = check(slug)
    assert code == 0
    nothing_wrong_but(report)
    assert report["listings"] == report["on_sale"] == len(records(sandbox, slug))


@pytest.mark.parametrize("slug", PLATFORMS)
def test_a_malformed_listing_is_named(sandbox: SandboxThread, check: Check, slug: str) -> None:
    # On Sisnaker a line of the export that is not JSON; elsewhere a price nobody can read (text, or the wrong type).
    mine = records(sandbox, slug)
    if slug == "sisnaker":
        sandbox.replace_catalogue(sandbox.catalogue.with_feed_faults(junk_lines=1))
    else:
        changed(sandbox, mine[2], bad_price=True)
    code, report = check(slug)
    assert code == 0
    [unusable] = report["unusable"]
    if slug == "sisnaker":
        assert unusable["id"] is None and re.fullmatch(r"line \d+ is not JSON", unusable["reason"])
        assert report["listings"] == len(mine) + 1 and report["on_sale"] == len(mine)
    else:
        assert unusable == {"id": mine[2].listing_id, "reason": "price is not a recognised amount"}
        assert report["listings"] == len(mine) and report["on_sale"] == len(mine) - 1
    nothing_wrong_but(report, unusable_count=1, unusable=[unusable])


@pytest.mark.parametrize("slug", PLATFORMS)
def test_an_unknown_category_label_is_named(sandbox: SandboxThread, check: Check, slug: str) -> None:
    label = "kuliner-nusantara" if slug == "bukalapak" else "Kuliner Nusantara"
    changed(sandbox, records(sandbox, slug)[3], platform_category=label, category=OTHER)
    code, report = check(slug)
    assert code == 0
    nothing_wrong_but(report, unmapped_labels=[label])
    assert report["on_sale"] == len(records(sandbox, slug))


@pytest.mark.parametrize("slug", PLATFORMS)
def test_a_duplicate_id_is_named(sandbox: SandboxThread, check: Check, slug: str) -> None:
    twice = records(sandbox, slug)[4]
    sandbox.replace_catalogue(sandbox.catalogue.with_feed_faults(repeated=[twice.id]))
    code, report = check(slug)
    assert code == 0
    nothing_wrong_but(report, duplicate_ids=[twice.listing_id])
    assert report["listings"] == report["on_sale"] == len(records(sandbox, slug))  # the repeat counts as a listing


@pytest.mark.parametrize("slug", PLATFORMS)
def test_a_bundle_is_counted_apart(sandbox: SandboxThread, check: Check, slug: str) -> None:
    mine = records(sandbox, slug)
    changed(sandbox, mine[5], is_bundle=True, components=(mine[6].listing_id, mine[7].listing_id))
    code, report = check(slug)
    assert code == 0
    nothing_wrong_but(report, bundles=1)
    assert report["listings"] == len(mine) and report["on_sale"] == len(mine) - 1


@pytest.mark.parametrize("slug", PLATFORMS)
def test_a_course_without_nib_is_named_as_ineligible(sandbox: SandboxThread, check: Check, slug: str) -> None:
    changed(sandbox, records(sandbox, slug)[6], provider_nib=None)
    code, report = check(slug)
    assert code == 0
    nothing_wrong_but(report, missing={"nib": 1, "syllabus": 0, "final_assessment": 0})


def test_an_inactive_listing_and_courses_without_syllabus_or_final_assessment(sandbox: SandboxThread,
                                                                              check: Check) -> None:
    mine = records(sandbox, "karirmu")
    sandbox.replace_catalogue(sandbox.catalogue.with_records([
        replace(mine[0], active=False), replace(mine[1], syllabus=()), replace(mine[2], has_final_assessment=False),
    ]))
    code, report = check("karirmu")
    assert code == 0
    nothing_wrong_but(report, inactive=1, missing={"nib": 0, "syllabus": 1, "final_assessment": 1})
    assert report["on_sale"] == len(mine) - 1


# -- for a person ---------------------------------------------------------------------------------------


def test_the_readable_report_names_what_stops_the_feed(sandbox: SandboxThread,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    sandbox.set_fault("karirmu", Fault(status=403, after=1))
    url = sandbox.urls["karirmu"]
    assert main(["check-feed", url]) == 1
    text = capsys.readouterr().out
    assert text.startswith(f"{url} read with the 'standard' adapter: could NOT go live.")
    assert "  - page 2: HTTP 403 from /prakerja-feed/v1/courses" in text
    assert re.search(r"^  on sale +50$", text, re.MULTILINE)


def test_the_readable_report_of_a_feed_fit_to_go_live(sandbox: SandboxThread,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    mine = records(sandbox, "karirmu")
    changed(sandbox, mine[0], platform_category="Kuliner Nusantara", category=OTHER, provider_nib=None)
    assert main(["check-feed", sandbox.urls["karirmu"]]) == 0
    text = capsys.readouterr().out
    assert "could go live." in text and "What stops it" not in text
    assert re.search(rf"^{len(mine)} listings in 2 pages, each counted once:$", text, re.MULTILINE)
    assert re.search(r"^  without an NIB +1$", text, re.MULTILINE)
    assert "Category labels that fall to Lainnya: 1\n  'Kuliner Nusantara'" in text


# -- as a process -------------------------------------------------------------------------------------


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gateway", "check-feed", *args], capture_output=True, text=True,
                          timeout=120, check=False)


@pytest.mark.parametrize(
    ("args", "named"),
    [
        ([], "URL"),
        (["karier.mu/feed"], "http:// or https://"),
        (["https://karier.mu/prakerja-feed/v1/courses?page_token="], "without ?query"),
        (["http://127.0.0.1:9", "--adapter", "shopee"], "--adapter"),
    ],
)
def test_bad_arguments_exit_2(args: list[str], named: str) -> None:
    result = run(*args)
    assert result.returncode == 2 and result.stdout == ""
    assert named in result.stderr and "Traceback" not in result.stderr


def test_run_as_a_process_it_exits_by_what_it_found() -> None:
    with SandboxThread(courses=300) as sandbox:
        url = sandbox.urls["karirmu"]
        fit = run(url)
        sandbox.set_fault("karirmu", Fault(status=404))
        unfit = run(url, "--json")
    assert fit.returncode == 0 and fit.stdout.startswith(f"{url} read with the 'standard' adapter: could go live.")
    on_sale = len(sandbox.catalogue.on_sale("karirmu"))
    assert f"\n  on sale    {on_sale:>7}\n" in fit.stdout
    assert unfit.returncode == 1
    assert unfit.stdout.startswith('{"ok":false,"adapter":"standard",') and unfit.stdout.count("\n") == 1
    assert '"errors":["page 1: HTTP 404 from /prakerja-feed/v1/courses"]' in unfit.stdout
