"""The standard feed of later partners (platforms.md §9), served here as Karier.mu: ``page_token`` paging."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from aiohttp import web

from ..catalogue import CourseRecord
from ..http import decode_cursor, encode_cursor, json_response, page
from .base import Feed, number_price

PAGE_SIZE = 50


class StandardFeed(Feed):
    slug = "karirmu"

    def routes(self) -> Iterable[web.RouteDef]:
        return [web.get("/prakerja-feed/v1/courses", self.courses)]

    async def courses(self, request: web.Request) -> web.Response:
        chunk = page(self.records, decode_cursor(request.query.get("page_token")), PAGE_SIZE)
        token = encode_cursor(chunk.next_offset) if chunk.next_offset is not None else None
        return json_response({"courses": [self.item(r) for r in chunk.items], "next_page_token": token})

    def item(self, record: CourseRecord) -> dict[str, Any]:
        rating = record.rating
        return {
            "id": record.listing_id,
            "title": record.title,
            "provider": {"name": record.provider_name, "nib": record.provider_nib},
            "price": number_price(record),
            "category": record.platform_category,
            "method": record.method,
            "duration_hours": record.duration_hours,
            "rating": {"average": rating.average, "count": rating.count} if rating else None,
            "syllabus": list(record.syllabus),
            "has_final_assessment": record.has_final_assessment,
            "is_bundle": record.is_bundle,
            "active": record.active,
            "url": record.url,
            "description": record.description,
        }
