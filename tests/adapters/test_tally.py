"""The accounting every reading of a feed keeps, as a refresh returns it (``FeedResult.report``) or fails with it."""

from __future__ import annotations

from typing import Any

import pytest

from adapters import FeedError
from adapters.tally import MAX_NAMED
from core.feed_report import FeedReport, Missing, UnusableListing

from .conftest import Reply, Upstream, json_reply
from .test_standard import PATH, course


def feed(*courses: Any, following: str | None = None) -> Reply:
    return json_reply({"courses": list(courses), "next_page_token": following})


async def report_of(upstream: Upstream, **fetch: Any) -> FeedReport:
    return (await upstream.adapter("standard", slug="newco").fetch(budget_s=fetch.pop("budget_s", 5), **fetch)).report


async def test_each_listing_is_counted_once_inactive_first_then_unusable_bundle_on_sale(upstream: Upstream):
    upstream.on(PATH, feed(
        course("on-sale"),
        course("no-nib", provider={"name": "LPK Tanpa NIB", "nib": ""}),
        course("no-syllabus", syllabus=[], has_final_assessment=False),
        course("bundle", is_bundle=True, provider={"name": "LPK Paket", "nib": None}),
        course("inactive-and-unreadable", active=False, price="gratis sekali"),
        course("bad-price", price="dua ratus ribu"),
        course("no-title", title="  "),
        {"title": "no id at all"},
        "not even an object",
    ))
    report = await report_of(upstream)
    assert report == FeedReport(
        adapter="standard", pages=1, listings=9, on_sale=3, bundles=1, inactive=1, unusable_count=4,
        unusable=(
            UnusableListing("bad-price", "price is not a recognised amount"),
            UnusableListing("no-title", "title is missing"),
            UnusableListing(None, "active is missing"),
            UnusableListing(None, "a field does not have the expected type"),
        ),
        missing=Missing(nib=1, syllabus=1, final_assessment=1),  # the bundle's missing NIB is not counted
        errors=("4 of 9 listings (44.4%) cannot be used: more than 5%",),
        responses=report.responses,
    )
    assert not report.ok and report.to_json()["ok"] is False
    assert [(page.page, page.bytes > 0) for page in report.responses] == [(1, True)]


async def test_labels_falling_to_lainnya_are_named_once_as_written_for_listings_that_read(upstream: Upstream):
    upstream.on(PATH, feed(
        course("a", category="Kuliner  Nusantara"),
        course("b", category="kuliner nusantara"),
        course("c", category="Lainnya"),  # an official name: mapped, not fallen
        course("d", category="Astrologi", active=False),
        course("e", category="Numerologi", price="mahal"),
        course("f", category="Teknologi Informasi"),
    ))
    assert (await report_of(upstream)).unmapped_labels == ("Kuliner Nusantara",)


async def test_ids_that_several_listings_carry_are_named_once(upstream: Upstream):
    upstream.on(PATH, feed(course("a"), course("b"), course("a"), course("a"), course("c", is_bundle=True),
                           following="2"),
                feed(course("c"), course("d")))
    report = await report_of(upstream)
    assert report.duplicate_ids == ("a", "c")
    assert (report.pages, report.listings, report.on_sale, report.bundles) == (2, 7, 6, 1)


async def test_more_than_5_percent_unusable_stops_the_feed_but_not_the_refresh(upstream: Upstream):
    upstream.on(PATH, feed(*(course(str(n)) for n in range(19)), course("x", price="?"), course("y", price="?")))
    result = await upstream.adapter("standard", slug="newco").fetch(budget_s=5)
    assert len(result.listings) == 19 and result.skipped == 2
    assert not result.report.ok
    assert result.report.errors == ("2 of 21 listings (9.5%) cannot be used: more than 5%",)


async def test_a_reading_that_fails_carries_what_it_read_and_why_it_stopped(upstream: Upstream):
    upstream.on(PATH, feed(course("a"), course("b", active=False), following="2"), Reply(b"gone", 404))
    with pytest.raises(FeedError) as failed:
        await upstream.adapter("standard", slug="newco").fetch(budget_s=5)
    report = failed.value.report
    assert report is not None and not report.ok
    assert report.errors == ("page 2: HTTP 404 from /prakerja-feed/v1/courses",) == (str(failed.value),)
    assert (report.pages, report.listings, report.on_sale, report.inactive, len(report.responses)) == (1, 2, 1, 1, 1)


async def test_a_reading_that_runs_out_of_time_says_so(upstream: Upstream):
    upstream.on(PATH, Reply(hang=True))
    with pytest.raises(FeedError) as failed:
        await upstream.adapter("standard", slug="newco", timeout_s=5).fetch(budget_s=0.3)
    assert failed.value.report is not None
    assert failed.value.report.errors == ("the refresh did not finish within 0.3 s",)


async def test_transient_failures_read_again_are_listed(upstream: Upstream):
    upstream.on(PATH, feed(course("a"), following="2"), Reply(b"oops", 502), feed(course("a"), following="2"),
                feed(course("b")))
    report = await report_of(upstream, retries=2)
    assert report.ok and report.retried == ("page 2: HTTP 502 from /prakerja-feed/v1/courses",)
    assert (report.pages, report.listings) == (2, 2)  # the reading that succeeded, not the sum of both


async def test_a_broken_feed_is_named_in_bounded_lists_with_whole_counts(upstream: Upstream):
    broken = MAX_NAMED + 200
    upstream.on(PATH, feed(*(course(f"x{n}", price="?", category=f"Label {n}") for n in range(broken)),
                           *(course("same", category=f"Label {n}") for n in range(broken))))
    report = await report_of(upstream)
    assert report.unusable_count == broken and len(report.unusable) == MAX_NAMED
    assert len(report.unmapped_labels) == MAX_NAMED and report.duplicate_ids == ("same",)
    assert report.listings == 2 * broken


async def test_an_id_or_label_the_feed_writes_is_repeated_only_in_part_and_printable(upstream: Upstream):
    upstream.on(PATH, feed(course("k" * 10_000, price="?"), course("a", category="L" * 10_000),
                           course("\x1b[2Jx"), course("\x1b[2Jx")))
    report = await report_of(upstream)
    assert report.unusable[0].id == "k" * 100
    assert report.unmapped_labels == ("L" * 100,)
    assert report.duplicate_ids == ("\N{REPLACEMENT CHARACTER}[2Jx",)
