"""Bukalapak (platforms.md §3): offset/limit paging; a bundle is a training with several ``items``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from aiohttp import web

from ..catalogue import CourseRecord
from ..http import int_param, json_response, page
from .base import Feed, garbled, number, rating_or_none, variant

_DELIVERY = {"SELF_PACED": "online", "WEBINAR": "webinar", "OFFLINE": "offline"}
MAX_LIMIT = 100


class BukalapakFeed(Feed):
    slug = "bukalapak"

    def routes(self) -> Iterable[web.RouteDef]:
        return [web.get("/prakerja/v2/trainings", self.trainings)]

    async def trainings(self, request: web.Request) -> web.Response:
        offset = int_param(request, "offset", default=0, minimum=0)
        limit = int_param(request, "limit", default=20, minimum=1, maximum=MAX_LIMIT)
        chunk = page(self.records, offset, limit)
        return json_response({
            "data": [self.item(r) for r in chunk.items],
            "meta": {"total": len(self.records), "offset": offset, "limit": limit},
        })

    def item(self, record: CourseRecord) -> dict[str, Any]:
        if record.is_bundle:
            parts = [self.catalogue.get(self.slug, c) for c in record.components]
            items = [{"sku": _sku(p), "title": p.title} for p in parts]
        else:
            items = [{"sku": _sku(record), "title": record.title}]
        average, count = rating_or_none(record)
        return {
            "id": record.listing_id,
            "name": record.title,
            "vendor": {"name": record.provider_name, "nib": record.provider_nib},
            "price": {"amount": _amount(record), "currency": "IDR"},
            "items": items,
            "category": record.platform_category,
            "rating": average,
            "review_count": count,
            "updated_at": 1_590_000_000 + variant(record, 5_000_000),
            "state": "published" if record.active else "archived",
            "delivery": _DELIVERY[record.method],
            "hours": number(record.duration_hours) if record.duration_hours is not None else None,
            "outline": _outline(record),
            "evaluation": ["pre_test", "post_test"] if record.has_final_assessment else ["pre_test"],
            "url": record.url,
        }


def _sku(record: CourseRecord) -> str:
    return "BL-SKU-" + record.listing_id.removeprefix("bl-")


def _amount(record: CourseRecord) -> str:
    # Some amounts carry a fraction of a rupiah that rounds to the true price (platforms.md: round to nearest).
    amount = f"{record.price - 1}.60" if record.price and variant(record, 8) == 0 else f"{record.price}.00"
    return garbled(amount, record) if record.bad_price else amount


def _outline(record: CourseRecord) -> str:
    # Not every module line carries its "Modul N:" prefix, and editors leave blank lines between them.
    lines = [m if variant(record, 5) == 0 else f"Modul {n}: {m}" for n, m in enumerate(record.syllabus, start=1)]
    return ("\n\n" if variant(record, 4) == 0 else "\n").join(lines)
