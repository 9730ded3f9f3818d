"""Tokopedia (platforms.md §1): numbered pages, a Bearer key, ``header.error_code`` failing a page."""

from __future__ import annotations

from typing import Any

import pytest

from adapters import FeedError
from core.domain import LearningMethod, Listing, Provider, Rating

from .conftest import Upstream, by_id, json_reply

PATH = "/v1/prakerja/products"
PRODUCT: dict[str, Any] = {
    "product_id": 8811201,
    "name": "Membangun Bisnis Konveksi",
    "shop": {"shop_id": 77, "name": "Bebas Jam Kerja", "nib": "9120001234567"},
    "price": 299000,
    "category_breadcrumb": "Pelatihan Prakerja > Penjualan dan Pemasaran",
    "rating": {"average": 4.7, "count": 1234},
    "product_type": "SINGLE",
    "bundle_items": [],
    "status": "ACTIVE",
    "url": "https://www.tokopedia.com/prakerja/membangun-bisnis-konveksi",
    "description_html": "<p>Belajar &amp; praktik langsung</p>",
    "duration_hours": 12.5,
    "delivery": "VIDEO",
    "syllabus": ["Riset pasar", "Produksi", "Pemasaran daring"],
    "has_post_test": True,
}


def product(product_id: int, **changes: Any) -> dict[str, Any]:
    return {**PRODUCT, "product_id": product_id, **changes}


def page(number: int, total_pages: int, *products: dict[str, Any], error_code: str = "") -> dict[str, Any]:
    return {"header": {"process_time": 0.012, "error_code": error_code},
            "data": {"page": number, "total_pages": total_pages, "products": list(products)}}


async def test_the_documented_product_reads_as_a_listing(upstream: Upstream):
    upstream.on(PATH, json_reply(page(1, 1, PRODUCT)))
    result = await upstream.fetch("tokopedia")
    assert result.listings == (
        Listing(
            platform="tokopedia",
            listing_id="8811201",
            title="Membangun Bisnis Konveksi",
            description="Belajar & praktik langsung",
            provider=Provider("Bebas Jam Kerja", "9120001234567"),
            price=299_000,
            category="Penjualan dan Pemasaran",
            method=LearningMethod.SELF_PACED,
            duration_hours=12.5,
            rating=Rating(4.7, 1234),
            syllabus=("Riset pasar", "Produksi", "Pemasaran daring"),
            has_final_assessment=True,
            url="https://www.tokopedia.com/prakerja/membangun-bisnis-konveksi",
            is_bundle=False,
        ),
    )
    assert result.skipped == 0


async def test_pages_are_read_until_the_last_with_the_bearer_key(upstream: Upstream):
    upstream.on(PATH, json_reply(page(1, 3, product(1))), json_reply(page(2, 3, product(2))),
                json_reply(page(3, 3, product(3))))
    result = await upstream.fetch("tokopedia", api_key="tp-key")
    assert sorted(by_id(result)) == ["1", "2", "3"]
    assert [r.query["page"] for r in upstream.requests] == ["1", "2", "3"]
    assert {r.query["per_page"] for r in upstream.requests} == {"100"}
    assert {r.headers["Authorization"] for r in upstream.requests} == {"Bearer tp-key"}


async def test_a_page_that_answers_as_another_fails_instead_of_counting_it_twice(upstream: Upstream):
    upstream.on(PATH, json_reply(page(1, 3, product(1))), json_reply(page(1, 3, product(1))))
    with pytest.raises(FeedError, match=r"^page 2: its next-page cursor leads back to a page already read$"):
        await upstream.fetch("tokopedia")


async def test_an_unusable_product_is_named_by_its_product_id(upstream: Upstream):
    upstream.on(PATH, json_reply(page(1, 1, product(1), product(2, price="dua ratus ribu"))))
    assert [(u.id, u.reason) for u in (await upstream.fetch("tokopedia")).report.unusable] == [
        ("2", "price is not a recognised amount")]


async def test_bundles_are_marked_and_inactive_products_left_out(upstream: Upstream):
    upstream.on(PATH, json_reply(page(
        1, 1,
        product(1),
        product(2, product_type="BUNDLE", bundle_items=[1, 3]),
        product(3, status="INACTIVE"),
    )))
    listings = by_id(await upstream.fetch("tokopedia"))
    assert sorted(listings) == ["1", "2"]
    assert listings["2"].is_bundle and not listings["1"].is_bundle


async def test_delivery_rating_and_nib_variants(upstream: Upstream):
    upstream.on(PATH, json_reply(page(
        1, 1,
        product(1, delivery="WEBINAR", rating={"average": 0, "count": 0}, shop={"shop_id": 1, "name": "LPK A"}),
        product(2, delivery="OFFLINE", shop={"shop_id": 2, "name": "LPK B", "nib": None}),
    )))
    listings = by_id(await upstream.fetch("tokopedia"))
    assert listings["1"].method is LearningMethod.WEBINAR
    assert listings["1"].rating is None
    assert listings["1"].provider == Provider("LPK A", None)
    assert listings["2"].method is LearningMethod.OFFLINE
    assert listings["2"].provider.nib is None


async def test_bad_products_are_skipped_and_counted(upstream: Upstream):
    upstream.on(PATH, json_reply(page(
        1, 1, product(1), product(2, price="tiga ratus ribu"), product(3, name=" "), product(4, delivery="VR"),
    )))
    result = await upstream.fetch("tokopedia")
    assert [listing.listing_id for listing in result.listings] == ["1"]
    assert result.skipped == 3


async def test_an_error_code_fails_the_page_even_with_http_200(upstream: Upstream):
    upstream.on(PATH, json_reply(page(1, 2, product(1))), json_reply(page(2, 2, error_code="RATE_LIMIT")))
    with pytest.raises(FeedError, match="page 2: failed with error code 'RATE_LIMIT'"):
        await upstream.fetch("tokopedia")
