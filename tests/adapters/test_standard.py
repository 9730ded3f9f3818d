"""The standard feed (platforms.md §9): later partners onboarded by configuration alone."""

from __future__ import annotations

import re
from typing import Any

import pytest

from adapters import FeedError
from core.domain import LearningMethod, Listing, Provider, Rating
from tests.fixtures import skill_week_courses

from .conftest import Seen, Upstream, by_id, json_reply

PATH = "/prakerja-feed/v1/courses"
COURSE: dict[str, Any] = {
    "id": "KM-0042",
    "title": "Menjadi Barista untuk Usaha Kedai Kopi",
    "provider": {"name": "Karier.mu", "nib": "9120004440001"},
    "price": 250000,
    "category": "Makanan dan Minuman",
    "method": "WEBINAR",
    "duration_hours": 6,
    "rating": {"average": 4.5, "count": 8},
    "syllabus": ["Mengenal biji kopi", "Teknik seduh manual"],
    "has_final_assessment": True,
    "is_bundle": False,
    "active": True,
    "url": "https://www.karier.mu/program/barista",
    "description": "<p>Dari biji sampai cangkir</p>",
}


def course(course_id: str, **changes: Any) -> dict[str, Any]:
    return {**COURSE, "id": course_id, **changes}


async def test_a_course_reads_as_a_listing_of_the_configured_platform(upstream: Upstream):
    upstream.on(PATH, json_reply({"courses": [COURSE], "next_page_token": None}))
    adapter = upstream.adapter("standard", slug="karirmu", name="Karier.mu")
    result = await adapter.fetch(budget_s=2)
    assert adapter.name == "Karier.mu"
    assert result.listings == (
        Listing(
            platform="karirmu",
            listing_id="KM-0042",
            title="Menjadi Barista untuk Usaha Kedai Kopi",
            description="Dari biji sampai cangkir",
            provider=Provider("Karier.mu", "9120004440001"),
            price=250_000,
            category="Makanan dan Minuman",
            method=LearningMethod.WEBINAR,
            duration_hours=6.0,
            rating=Rating(4.5, 8),
            syllabus=("Mengenal biji kopi", "Teknik seduh manual"),
            has_final_assessment=True,
            url="https://www.karier.mu/program/barista",
        ),
    )


async def test_page_tokens_are_followed_until_null(upstream: Upstream):
    pages = {"": {"courses": [course("a")], "next_page_token": "t2"},
             "t2": {"courses": [course("b")], "next_page_token": "t3"},
             "t3": {"courses": [course("c")], "next_page_token": None}}

    def answer(seen: Seen):
        return json_reply(pages[seen.query["page_token"]])

    upstream.on(PATH, answer)
    result = await upstream.fetch("standard", slug="pintar")
    assert sorted(by_id(result)) == ["a", "b", "c"]
    assert [r.query["page_token"] for r in upstream.requests] == ["", "t2", "t3"]


async def test_a_token_that_repeats_fails_instead_of_looping(upstream: Upstream):
    upstream.on(PATH, json_reply({"courses": [course("a")], "next_page_token": "t2"}),
                json_reply({"courses": [course("b")], "next_page_token": "t2"}))
    with pytest.raises(FeedError, match="leads back to a page already read"):
        await upstream.fetch("standard", slug="siapkerja")


async def test_bundles_inactive_and_bad_courses(upstream: Upstream):
    upstream.on(PATH, json_reply({"courses": [
        course("single", method="SELF_PACED", rating=None),
        course("bundle", is_bundle=True, method="OFFLINE"),
        course("inactive", active=False),
        course("bad-method", method="HYBRID"),
        course("bad-price", price="dua ratus lima puluh ribu"),
    ], "next_page_token": None}))
    result = await upstream.fetch("standard", slug="pintar")
    listings = by_id(result)
    assert sorted(listings) == ["bundle", "single"]
    assert listings["bundle"].is_bundle and listings["bundle"].method is LearningMethod.OFFLINE
    assert listings["single"].rating is None and listings["single"].method is LearningMethod.SELF_PACED
    assert result.skipped == 2


async def test_a_page_of_the_wrong_shape_fails_the_refresh(upstream: Upstream):
    upstream.on(PATH, json_reply([COURSE]))
    with pytest.raises(FeedError, match="page 1: the page does not have the expected shape"):
        await upstream.fetch("standard", slug="pintar")


async def test_real_karier_mu_courses_through_the_standard_feed(upstream: Upstream):
    real = [c for c in skill_week_courses() if "karier.mu" in c["course_url"]]
    assert real
    upstream.on(PATH, json_reply({"courses": [
        course(str(n), title=c["course_title"], provider={"name": c["lp_name"], "nib": None},
               category=c["course_category"], url=c["course_url"],
               method="SELF_PACED" if c["course_type"] == "Online - LMS" else "WEBINAR",
               price=0 if c["course_price"].casefold() == "gratis" else int(re.sub(r"\D", "", c["course_price"])))
        for n, c in enumerate(real)
    ], "next_page_token": None}))
    listings = (await upstream.fetch("standard", slug="karirmu", name="Karier.mu")).listings
    assert [(listing.title, listing.provider.name, listing.url) for listing in listings] == [
        (c["course_title"].strip(), c["lp_name"].strip(), c["course_url"]) for c in real
    ]
    assert {listing.platform for listing in listings} == {"karirmu"}
