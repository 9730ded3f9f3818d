"""The accounting of one reading of a feed, kept by :class:`adapters.base.Adapter` as it reads."""

from __future__ import annotations

from core.domain import Listing
from core.feed_report import MAX_UNUSABLE_SHARE, FeedReport, Missing, PageRead, UnusableListing

MAX_NAMED = 1000
"""Unusable listings, labels and duplicate ids named in one report, each: a broken feed of a million listings
must not make a report of a million lines. The counts stay whole."""
MAX_TEXT = 100
"""Characters of an id or a label the feed wrote that a report repeats."""


def _clip(text: str) -> str:
    """Feed text as a report repeats it: bounded, and printable (a report is read on terminals)."""
    return "".join(c if c.isprintable() else "\N{REPLACEMENT CHARACTER}" for c in text[:MAX_TEXT])


class FeedTally:
    """Counts one reading as it goes: each raw listing once, as inactive, unusable, bundle or on sale.

    Pages are read one after the other and each page's listings are counted in one go, so the counts are never
    written from two threads at once.
    """

    def __init__(self, adapter: str) -> None:
        self._adapter = adapter
        self._pages = 0
        self._responses: list[PageRead] = []
        self._inactive = 0
        self._bundles = 0
        self._on_sale = 0
        self._unusable_count = 0
        self._unusable: list[UnusableListing] = []
        self._no_nib = self._no_syllabus = self._no_final_assessment = 0
        self._labels: dict[str, str] = {}
        self._pending_labels: list[str] = []
        self._ids: set[str] = set()
        self._duplicates: dict[str, None] = {}

    @property
    def pages(self) -> int:
        return self._pages

    # -- pages --------------------------------------------------------------------------------------

    def response(self, ms: float, size: int) -> None:
        """The answer for the next page arrived whole."""
        self._responses.append(PageRead(self._pages + 1, round(ms, 1), size))

    def page(self) -> None:
        """The next page's listings are about to be counted."""
        self._pages += 1

    # -- listings -----------------------------------------------------------------------------------

    def unmapped(self, label: str) -> None:
        """The listing being read has a category label that falls to ``Lainnya``; kept if the listing is."""
        self._pending_labels.append(_clip(" ".join(label.split())))

    def inactive(self) -> None:
        self._inactive += 1
        self._pending_labels.clear()

    def unusable(self, listing_id: str | None, reason: str) -> None:
        self._unusable_count += 1
        if len(self._unusable) < MAX_NAMED:
            self._unusable.append(UnusableListing(_clip(listing_id) if listing_id else None, reason))
        self._pending_labels.clear()

    def listing(self, listing: Listing) -> None:
        """A listing that reads: a bundle, or a course on sale."""
        for label in self._pending_labels:
            if len(self._labels) < MAX_NAMED:
                self._labels.setdefault(label.casefold(), label)  # one spelling of each, the first seen
        self._pending_labels.clear()
        if listing.listing_id in self._ids:
            if len(self._duplicates) < MAX_NAMED:
                self._duplicates[_clip(listing.listing_id)] = None
        else:
            self._ids.add(listing.listing_id)
        if listing.is_bundle:
            self._bundles += 1
            return
        self._on_sale += 1
        self._no_nib += not listing.provider.nib
        self._no_syllabus += not listing.syllabus
        self._no_final_assessment += not listing.has_final_assessment

    # -- the result ---------------------------------------------------------------------------------

    def report(self, error: str | None = None, retried: tuple[str, ...] = ()) -> FeedReport:
        """The report so far; ``error`` is why the reading failed, if it did."""
        listings = self._inactive + self._unusable_count + self._bundles + self._on_sale
        errors = [error] if error else []
        if self._unusable_count > MAX_UNUSABLE_SHARE * listings:
            errors.append(f"{self._unusable_count} of {listings} listings ({self._unusable_count / listings:.1%})"
                          f" cannot be used: more than {MAX_UNUSABLE_SHARE:.0%}")
        return FeedReport(
            adapter=self._adapter,
            pages=self._pages,
            listings=listings,
            on_sale=self._on_sale,
            bundles=self._bundles,
            inactive=self._inactive,
            unusable_count=self._unusable_count,
            unusable=tuple(self._unusable),
            missing=Missing(self._no_nib, self._no_syllabus, self._no_final_assessment),
            unmapped_labels=tuple(sorted(self._labels.values())),
            duplicate_ids=tuple(self._duplicates),
            errors=tuple(errors),
            retried=retried,
            responses=tuple(self._responses),
        )
