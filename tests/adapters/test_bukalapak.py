"""Bukalapak (platforms.md §3): offset paging, decimal-point prices, hyphenated categories, bundles by items."""

from __future__ import annotations

from typing import Any

import pytest

from adapters import FeedError
from core.domain import LearningMethod, Listing, Provider, Rating

from .conftest import Seen, Upstream, by_id, json_reply

PATH = "/prakerja/v2/trainings"
TRAINING: dict[str, Any] = {
    "id": "bl-99120",
    "name": "Akuntansi Dasar untuk Usaha Kecil",
    "vendor": {"name": "LPK Mandiri Sejahtera", "nib": "9120005550001"},
    "price": {"amount": "350000.00", "currency": "IDR"},
    "items": [{"sku": "BL-SKU-5521", "title": "Akuntansi Dasar untuk Usaha Kecil"}],
    "category": "keuangan",
    "rating": 4.5, "review_count": 10,
    "updated_at": 1593500000,
    "state": "published",
    "delivery": "online",
    "hours": 10,
    "outline": "Modul 1: Pengenalan\nModul 2: Jurnal umum",
    "evaluation": ["pre_test", "post_test"],
    "url": "https://www.bukalapak.com/prakerja/bl-99120",
}


def training(training_id: str, **changes: Any) -> dict[str, Any]:
    return {**TRAINING, "id": training_id, **changes}


def page(offset: int, total: int, *trainings: dict[str, Any]) -> dict[str, Any]:
    return {"data": list(trainings), "meta": {"total": total, "offset": offset, "limit": 50}}


async def test_the_documented_training_reads_as_a_listing(upstream: Upstream):
    upstream.on(PATH, json_reply(page(0, 1, TRAINING)))
    result = await upstream.fetch("bukalapak")
    assert result.listings == (
        Listing(
            platform="bukalapak",
            listing_id="bl-99120",
            title="Akuntansi Dasar untuk Usaha Kecil",
            description=None,
            provider=Provider("LPK Mandiri Sejahtera", "9120005550001"),
            price=350_000,
            category="Keuangan",
            method=LearningMethod.SELF_PACED,
            duration_hours=10.0,
            rating=Rating(4.5, 10),
            syllabus=("Pengenalan", "Jurnal umum"),
            has_final_assessment=True,
            url="https://www.bukalapak.com/prakerja/bl-99120",
        ),
    )


async def test_offsets_advance_until_the_total_with_the_key(upstream: Upstream):
    # The server gives fewer than asked for: paging goes by what came back, and nothing is lost.
    pages = {"0": page(0, 5, training("a"), training("b")), "2": page(2, 5, training("c"), training("d")),
             "4": page(4, 5, training("e"))}

    def answer(seen: Seen):
        return json_reply(pages[seen.query["offset"]])

    upstream.on(PATH, answer)
    result = await upstream.fetch("bukalapak", api_key="bl-key")
    assert sorted(by_id(result)) == ["a", "b", "c", "d", "e"]
    assert [r.query["offset"] for r in upstream.requests] == ["0", "2", "4"]
    assert {r.query["limit"] for r in upstream.requests} == {"50"}
    assert {r.headers["X-Api-Key"] for r in upstream.requests} == {"bl-key"}


async def test_an_offset_that_does_not_advance_fails_instead_of_looping(upstream: Upstream):
    upstream.on(PATH, json_reply(page(0, 240, training("a"))), json_reply(page(1, 240)))
    with pytest.raises(FeedError, match="leads back to a page already read"):
        await upstream.fetch("bukalapak")


@pytest.mark.parametrize(
    ("amount", "price"),
    [("350000.00", 350_000), ("350000", 350_000), ("350000.5", 350_001), ("0.00", 0), ("1,250,000.00", 1_250_000)],
)
async def test_amounts_use_a_decimal_point(upstream: Upstream, amount, price):
    upstream.on(PATH, json_reply(page(0, 1, training("a", price={"amount": amount, "currency": "IDR"}))))
    (listing,) = (await upstream.fetch("bukalapak")).listings
    assert listing.price == price


@pytest.mark.parametrize(
    ("label", "official"),
    [
        ("penjualan-dan-pemasaran", "Penjualan dan Pemasaran"),
        ("teknologi-informasi", "Teknologi Informasi"),
        ("makanan-dan-minuman", "Makanan dan Minuman"),
        ("sosial-dan-perilaku", "Sosial dan Perilaku"),
        ("bahasa-asing", "Bahasa Asing"),
        ("keuangan", "Keuangan"),
        ("lain-lain", "Lainnya"),
    ],
)
async def test_hyphenated_categories_map_onto_the_official_ones(upstream: Upstream, label, official):
    upstream.on(PATH, json_reply(page(0, 1, training("a", category=label))))
    (listing,) = (await upstream.fetch("bukalapak")).listings
    assert listing.category == official


async def test_an_unknown_label_is_reported_as_the_feed_writes_it(upstream: Upstream):
    upstream.on(PATH, json_reply(page(0, 1, training("a", category="kuliner-nusantara"))))
    result = await upstream.fetch("bukalapak")
    assert result.listings[0].category == "Lainnya"
    assert result.report.unmapped_labels == ("kuliner-nusantara",)


async def test_a_page_that_answers_for_another_offset_fails_instead_of_counting_it_twice(upstream: Upstream):
    upstream.on(PATH, json_reply(page(0, 240, training("a"))), json_reply(page(0, 240, training("a"))))
    with pytest.raises(FeedError, match=r"^page 2: its next-page cursor leads back to a page already read$"):
        await upstream.fetch("bukalapak")


async def test_several_items_make_a_bundle_and_archived_trainings_are_left_out(upstream: Upstream):
    upstream.on(PATH, json_reply(page(
        0, 3,
        training("single"),
        training("bundle", items=[{"sku": "BL-SKU-1", "title": "Satu"}, {"sku": "BL-SKU-2", "title": "Dua"}]),
        training("old", state="archived"),
    )))
    listings = by_id(await upstream.fetch("bukalapak"))
    assert sorted(listings) == ["bundle", "single"]
    assert listings["bundle"].is_bundle and not listings["single"].is_bundle


async def test_delivery_rating_outline_and_evaluation(upstream: Upstream):
    upstream.on(PATH, json_reply(page(
        0, 2,
        training("webinar", delivery="webinar", rating=None, review_count=0, evaluation=["pre_test"],
                 outline="\nModul 1: Pengenalan\n\n  Praktik langsung  \nModul 12:Penutup\n"),
        training("offline", delivery="offline", vendor={"name": "LPK Mandiri Sejahtera", "nib": None}),
    )))
    listings = by_id(await upstream.fetch("bukalapak"))
    assert listings["webinar"].method is LearningMethod.WEBINAR
    assert listings["webinar"].rating is None
    assert listings["webinar"].has_final_assessment is False
    assert listings["webinar"].syllabus == ("Pengenalan", "Praktik langsung", "Penutup")
    assert listings["offline"].method is LearningMethod.OFFLINE
    assert listings["offline"].provider.nib is None


async def test_bad_trainings_are_skipped_and_counted(upstream: Upstream):
    upstream.on(PATH, json_reply(page(
        0, 4,
        training("good"),
        training("usd", price={"amount": "25.00", "currency": "USD"}),
        training("no-price", price={"amount": None, "currency": "IDR"}),
        training("no-vendor", vendor=None),
    )))
    result = await upstream.fetch("bukalapak")
    assert [listing.listing_id for listing in result.listings] == ["good"]
    assert result.skipped == 3


async def test_a_page_without_meta_fails_the_refresh(upstream: Upstream):
    upstream.on(PATH, json_reply({"data": [TRAINING]}))
    with pytest.raises(FeedError, match="page 1: the page does not have the expected shape"):
        await upstream.fetch("bukalapak")
