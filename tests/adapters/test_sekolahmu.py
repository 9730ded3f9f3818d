"""Sekolahmu (platforms.md §5): GraphQL POSTs paged on ``endCursor``; ``errors`` fails a page; built URLs."""

from __future__ import annotations

from typing import Any

import pytest

from adapters import FeedError
from core.domain import LearningMethod, Listing, Provider, Rating
from tests.fixtures import skill_week_courses

from .conftest import Upstream, by_id, json_reply

PATH = "/graphql"
PROGRAM: dict[str, Any] = {
    "slug": "membuat-aneka-kue-yang-dibekukan-bagi-pembuat-kue",
    "title": "Membuat Aneka Kue yang Dibekukan bagi Pembuat Kue",
    "partner": {"name": "Sekolah.mu", "nib": "9120001230004"},
    "price": 20000,
    "isBundle": False,
    "bundleContents": [],
    "category": "Kuliner",
    "learningType": "asinkron",
    "totalHours": 6.5,
    "rating": 4.9,
    "ratingCount": 56,
    "modules": ["Bahan", "Adonan", "Pembekuan"],
    "hasPostTest": True,
    "status": "PUBLISHED",
    "descriptionHtml": "<p>Kue <b>beku</b> untuk dijual</p>",
}


def program(slug: str, **changes: Any) -> dict[str, Any]:
    return {**PROGRAM, "slug": slug, **changes}


def page(*programs: dict[str, Any], end_cursor: str | None = None, has_next: bool = False) -> dict[str, Any]:
    return {"data": {"programs": {"pageInfo": {"hasNextPage": has_next, "endCursor": end_cursor},
                                  "nodes": list(programs)}}}


async def test_a_program_reads_as_a_listing_with_its_url(upstream: Upstream):
    upstream.on(PATH, json_reply(page(PROGRAM, end_cursor="c1")), method="POST")
    result = await upstream.fetch("sekolahmu")
    assert result.listings == (
        Listing(
            platform="sekolahmu",
            listing_id="membuat-aneka-kue-yang-dibekukan-bagi-pembuat-kue",
            title="Membuat Aneka Kue yang Dibekukan bagi Pembuat Kue",
            description="Kue beku untuk dijual",
            provider=Provider("Sekolah.mu", "9120001230004"),
            price=20_000,
            category="Makanan dan Minuman",
            method=LearningMethod.SELF_PACED,
            duration_hours=6.5,
            rating=Rating(4.9, 56),
            syllabus=("Bahan", "Adonan", "Pembekuan"),
            has_final_assessment=True,
            url="https://www.sekolah.mu/program/membuat-aneka-kue-yang-dibekukan-bagi-pembuat-kue",
        ),
    )


async def test_pages_follow_end_cursor_while_there_is_a_next_page(upstream: Upstream):
    upstream.on(PATH, json_reply(page(program("a"), end_cursor="YXJyYXk6NDk=", has_next=True)),
                json_reply(page(program("b"), end_cursor="YXJyYXk6OTk=", has_next=True)),
                json_reply(page(program("c"), end_cursor="YXJyYXk6MTQ5")), method="POST")
    result = await upstream.fetch("sekolahmu")
    assert sorted(by_id(result)) == ["a", "b", "c"]
    sent = [r.json() for r in upstream.requests]
    assert [s["variables"] for s in sent] == [
        {"first": 50, "after": None}, {"first": 50, "after": "YXJyYXk6NDk="}, {"first": 50, "after": "YXJyYXk6OTk="},
    ]
    assert all("programs(first: $first, after: $after)" in s["query"] for s in sent)
    assert {r.headers["Content-Type"] for r in upstream.requests} == {"application/json"}


async def test_errors_fail_the_page_even_with_http_200_and_data(upstream: Upstream):
    failed = {**page(program("a")), "errors": [{"message": "timeout fetching partner", "path": ["programs"]}]}
    upstream.on(PATH, json_reply(failed), method="POST")
    with pytest.raises(FeedError, match="the GraphQL API answered with errors: 'timeout fetching partner'"):
        await upstream.fetch("sekolahmu")


async def test_an_empty_errors_array_is_no_error(upstream: Upstream):
    upstream.on(PATH, json_reply({**page(program("a")), "errors": []}), method="POST")
    assert len((await upstream.fetch("sekolahmu")).listings) == 1


async def test_a_next_page_without_a_new_cursor_fails(upstream: Upstream):
    upstream.on(PATH, json_reply(page(program("a"), end_cursor="c1", has_next=True)),
                json_reply(page(program("b"), end_cursor="c1", has_next=True)), method="POST")
    with pytest.raises(FeedError, match="leads back to a page already read"):
        await upstream.fetch("sekolahmu")


async def test_a_next_page_with_no_cursor_at_all_fails(upstream: Upstream):
    upstream.on(PATH, json_reply(page(program("a"), end_cursor=None, has_next=True)), method="POST")
    with pytest.raises(FeedError, match="gives no endCursor"):
        await upstream.fetch("sekolahmu")


@pytest.mark.parametrize(
    ("label", "official"),
    [
        ("Teknologi", "Teknologi Informasi"),
        ("Bisnis", "Manajemen"),
        ("Pemasaran", "Penjualan dan Pemasaran"),
        ("Bahasa", "Bahasa Asing"),
        ("Kuliner", "Makanan dan Minuman"),
        ("Keuangan", "Keuangan"),
        ("Perkantoran", "Perkantoran"),
        ("Pertanian", "Pertanian"),
        ("Teknik", "Teknik"),
        ("Kecantikan", "Gaya Hidup"),
        ("Pengembangan Diri", "Sosial dan Perilaku"),
        ("Olahraga", "Lainnya"),
    ],
)
async def test_categories_map_onto_the_official_ones(upstream: Upstream, label, official):
    upstream.on(PATH, json_reply(page(program("a", category=label))), method="POST")
    (listing,) = (await upstream.fetch("sekolahmu")).listings
    assert listing.category == official


async def test_learning_types_bundles_and_unpublished(upstream: Upstream):
    upstream.on(PATH, json_reply(page(
        program("live", learningType="sinkron", rating=None, ratingCount=0, totalHours=None),
        program("class", learningType="tatap_muka", partner={"name": "LKP Dapur", "nib": None}),
        program("bundle", isBundle=True, bundleContents=["live", "class"]),
        program("hidden", status="UNPUBLISHED"),
        program("broken", price="dua puluh ribu"),
    )), method="POST")
    result = await upstream.fetch("sekolahmu")
    listings = by_id(result)
    assert sorted(listings) == ["bundle", "class", "live"]
    assert listings["live"].method is LearningMethod.WEBINAR
    assert listings["live"].rating is None and listings["live"].duration_hours is None
    assert listings["class"].method is LearningMethod.OFFLINE and listings["class"].provider.nib is None
    assert listings["bundle"].is_bundle and not listings["live"].is_bundle
    assert result.skipped == 1


async def test_real_sekolahmu_courses_get_their_published_urls(upstream: Upstream):
    real = [c for c in skill_week_courses() if "www.sekolah.mu/program/" in c["course_url"]]
    assert real
    upstream.on(PATH, json_reply(page(*(
        program(c["course_url"].rsplit("/", 1)[1], title=c["course_title"], partner={"name": c["lp_name"]})
        for c in real
    ))), method="POST")
    listings = (await upstream.fetch("sekolahmu")).listings
    assert [(listing.url, listing.title) for listing in listings] == [
        (c["course_url"], c["course_title"].strip()) for c in real
    ]
