"""Pijar Mahir (platforms.md §7): JSON:API with providers ``included``, ``links.next``, ISO 8601 durations."""

from __future__ import annotations

from typing import Any

import pytest

from adapters import FeedError
from adapters.base import ListingError
from adapters.pijarmahir import iso_duration_hours
from core.domain import LearningMethod, Listing, Provider, Rating

from .conftest import Upstream, by_id, json_reply

PATH = "/jsonapi/courses"
ATTRIBUTES: dict[str, Any] = {
    "title": "Dasar Pemrograman Python", "price_idr": 275000, "course_kind": "single",
    "duration": "PT12H30M", "delivery_method": "self-paced", "category": "Teknologi Informasi",
    "rating": 4.4, "rating_count": 12, "modules": ["Variabel", "Perulangan"], "final_assessment": True,
    "status": "live", "url": "https://pijarmahir.id/course/4821", "summary": "...",
}
TELKOM = {"type": "providers", "id": "7", "attributes": {"name": "Telkom Digital Academy", "nib": "8120001112223"}}


def resource(course_id: str, provider_id: str = "7", members: tuple[str, ...] = (), **changes: Any) -> dict[str, Any]:
    return {
        "type": "courses", "id": course_id, "attributes": {**ATTRIBUTES, **changes},
        "relationships": {"provider": {"data": {"type": "providers", "id": provider_id}},
                          "bundle_members": {"data": [{"type": "courses", "id": m} for m in members]}},
    }


def document(*courses: dict[str, Any], included: tuple[dict[str, Any], ...] = (TELKOM,),
             next_url: str | None = None) -> dict[str, Any]:
    return {"data": list(courses), "included": list(included), "links": {"next": next_url},
            "meta": {"total": len(courses)}}


async def test_the_documented_course_reads_as_a_listing(upstream: Upstream):
    upstream.on(PATH, json_reply(document(resource("4821"))))
    result = await upstream.fetch("pijarmahir")
    assert result.listings == (
        Listing(
            platform="pijarmahir",
            listing_id="4821",
            title="Dasar Pemrograman Python",
            description="...",
            provider=Provider("Telkom Digital Academy", "8120001112223"),
            price=275_000,
            category="Teknologi Informasi",
            method=LearningMethod.SELF_PACED,
            duration_hours=12.5,
            rating=Rating(4.4, 12),
            syllabus=("Variabel", "Perulangan"),
            has_final_assessment=True,
            url="https://pijarmahir.id/course/4821",
        ),
    )
    (first,) = upstream.requests
    assert (first.query["page[number]"], first.query["page[size]"], first.query["include"]) == ("1", "50", "provider")


async def test_links_next_is_followed_with_each_pages_own_providers(upstream: Upstream):
    second = upstream.base_url + PATH + "?page[number]=2&page[size]=50&include=provider"
    other = {"type": "providers", "id": "9", "attributes": {"name": "LPK Digital Nusantara", "nib": None}}
    upstream.on(PATH, json_reply(document(resource("1"), next_url=second)),
                json_reply(document(resource("2", provider_id="9"), included=(other,))))
    listings = by_id(await upstream.fetch("pijarmahir"))
    assert listings["1"].provider.name == "Telkom Digital Academy"
    assert listings["2"].provider == Provider("LPK Digital Nusantara", None)
    assert [r.query["page[number]"] for r in upstream.requests] == ["1", "2"]


async def test_a_next_link_that_repeats_fails_instead_of_looping(upstream: Upstream):
    second = upstream.base_url + PATH + "?page[number]=2&page[size]=50&include=provider"
    upstream.on(PATH, json_reply(document(resource("1"), next_url=second)),
                json_reply(document(resource("2"), next_url=second)))
    with pytest.raises(FeedError, match="leads back to a page already read"):
        await upstream.fetch("pijarmahir")


@pytest.mark.parametrize(
    ("duration", "expected"),
    [("PT12H30M", 12.5), ("PT45M", 0.75), ("P1DT2H", 26.0), (None, None), ("PT1H30M30S", 1.51), ("P2D", 48.0),
     ("PT0,5H", 0.5)],
)
def test_iso_8601_durations_in_hours(duration, expected):
    assert iso_duration_hours(duration) == expected


@pytest.mark.parametrize("duration", ["P1M", "P1Y", "12 jam", "PT", "P", "", "T12H", 12])
def test_durations_without_a_fixed_length_or_not_iso_are_bad(duration):
    with pytest.raises(ListingError):
        iso_duration_hours(duration)


async def test_delivery_methods_bundles_and_statuses(upstream: Upstream):
    upstream.on(PATH, json_reply(document(
        resource("webinar", delivery_method="live-online", duration=None, rating=None, rating_count=0),
        resource("classroom", delivery_method="classroom", duration="PT45M", final_assessment=False),
        resource("bundle", course_kind="bundle", members=("webinar", "classroom")),
        resource("members-only", members=("webinar",)),
        resource("draft", status="draft"),
        resource("retired", status="retired"),
    )))
    listings = by_id(await upstream.fetch("pijarmahir"))
    assert sorted(listings) == ["bundle", "classroom", "members-only", "webinar"]
    assert listings["webinar"].method is LearningMethod.WEBINAR
    assert listings["webinar"].duration_hours is None and listings["webinar"].rating is None
    assert listings["classroom"].method is LearningMethod.OFFLINE
    assert listings["classroom"].duration_hours == 0.75 and not listings["classroom"].has_final_assessment
    assert listings["bundle"].is_bundle and listings["members-only"].is_bundle
    assert not listings["webinar"].is_bundle


async def test_bad_courses_are_skipped_and_counted(upstream: Upstream):
    upstream.on(PATH, json_reply(document(
        resource("good"),
        resource("unknown-provider", provider_id="404"),
        resource("bad-duration", duration="3 bulan"),
        resource("bad-price", price_idr="275rb"),
        {"type": "articles", "id": "1", "attributes": {"title": "Berita"}},
    )))
    result = await upstream.fetch("pijarmahir")
    assert [listing.listing_id for listing in result.listings] == ["good"]
    assert result.skipped == 4
    assert [u.id for u in result.report.unusable] == ["unknown-provider", "bad-duration", "bad-price", "1"]


async def test_a_document_without_data_fails_the_refresh(upstream: Upstream):
    upstream.on(PATH, json_reply({"errors": [{"status": "500", "title": "Internal"}]}))
    with pytest.raises(FeedError, match="page 1: the page does not have the expected shape"):
        await upstream.fetch("pijarmahir")
