"""Tokopedia (platforms.md §1): numbered pages, ``Authorization: Bearer``, in-band ``header.error_code``."""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterable
from typing import Any

from aiohttp import web

from ..catalogue import CourseRecord
from ..http import int_param, json_response, page
from .base import Feed, number_price, rating_or_none, variant

_DELIVERY = {"SELF_PACED": "VIDEO", "WEBINAR": "WEBINAR", "OFFLINE": "OFFLINE"}
MAX_PER_PAGE = 100


class TokopediaFeed(Feed):
    slug = "tokopedia"
    in_band_errors = True
    key_header = "Authorization"
    key_scheme = "Bearer"

    def routes(self) -> Iterable[web.RouteDef]:
        return [web.get("/v1/prakerja/products", self.products)]

    async def products(self, request: web.Request) -> web.Response:
        number = int_param(request, "page", default=1, minimum=1)
        per_page = int_param(request, "per_page", default=20, minimum=1, maximum=MAX_PER_PAGE)
        records = self.records
        chunk = page(records, (number - 1) * per_page, per_page)
        return json_response({
            "header": {"process_time": 0.012, "error_code": ""},
            "data": {
                "page": number,
                "total_pages": max(1, math.ceil(len(records) / per_page)),
                "products": [self.item(r) for r in chunk.items],
            },
        })

    def item(self, record: CourseRecord) -> dict[str, Any]:
        shop: dict[str, Any] = {"shop_id": zlib.crc32(record.provider_name.casefold().encode()) % 100_000,
                                "name": record.provider_name}
        if record.provider_nib is not None or variant(record, 2):
            shop["nib"] = record.provider_nib  # a missing NIB is sometimes null, sometimes absent
        average, count = rating_or_none(record)
        return {
            "product_id": int(record.listing_id),
            "name": record.title,
            "shop": shop,
            "price": number_price(record),
            "category_breadcrumb": f"Pelatihan Prakerja > {record.platform_category}",
            "rating": {"average": average or 0, "count": count},
            "product_type": "BUNDLE" if record.is_bundle else "SINGLE",
            "bundle_items": [int(c) for c in record.components],
            "status": "ACTIVE" if record.active else "INACTIVE",
            "url": record.url,
            "description_html": record.description,
            "duration_hours": record.duration_hours,
            "delivery": _DELIVERY[record.method],
            "syllabus": list(record.syllabus),
            "has_post_test": record.has_final_assessment,
        }

    def spoil(self, body: Any) -> Any:
        body["header"]["error_code"] = "ERR_PRAKERJA_CATALOG_UNAVAILABLE"
        return body
