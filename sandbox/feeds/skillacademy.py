"""Skill Academy by Ruangguru (platforms.md §2): opaque ``nextCursor`` paging, prices as labels."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from aiohttp import web

from ..catalogue import CourseRecord
from ..http import decode_cursor, encode_cursor, int_param, json_response, page
from ..platforms import CATEGORY_LABELS
from .base import Feed, dotted, garbled, rating_or_none, variant

_MODES = {"SELF_PACED": "SELF_PACED", "WEBINAR": "LIVE_CLASS", "OFFLINE": "OFFLINE_CLASS"}
_CATEGORY_IDS = {label: n for n, label in enumerate(CATEGORY_LABELS["skillacademy"], start=1)}
MAX_LIMIT = 100


class SkillAcademyFeed(Feed):
    slug = "skillacademy"

    def routes(self) -> Iterable[web.RouteDef]:
        return [web.get("/api/v1/courses", self.courses)]

    async def courses(self, request: web.Request) -> web.Response:
        limit = int_param(request, "limit", default=20, minimum=1, maximum=MAX_LIMIT)
        chunk = page(self.records, decode_cursor(request.query.get("cursor")), limit)
        next_cursor = encode_cursor(chunk.next_offset) if chunk.next_offset is not None else None
        return json_response({"items": [self.item(r) for r in chunk.items], "nextCursor": next_cursor})

    def item(self, record: CourseRecord) -> dict[str, Any]:
        average, count = rating_or_none(record)
        return {
            "id": record.listing_id,
            "slug": record.slug,
            "title": record.title,
            "instructorOrg": {"name": record.provider_name, "nib": record.provider_nib},
            "priceLabel": _price_label(record),
            "productType": "PACKAGE" if record.is_bundle else "COURSE",
            "packageCourseIds": list(record.components),
            "durationMinutes": round(record.duration_hours * 60) if record.duration_hours is not None else None,
            "learningMode": _MODES[record.method],
            "category": {"id": _CATEGORY_IDS.get(record.platform_category, 0), "name": record.platform_category},
            "ratingAvg": f"{average:.2f}" if average is not None else None,
            "ratingCount": count,
            "curriculum": [
                {"chapterTitle": chapter, "lessons": [f"Video: {chapter}", "Latihan soal"]}
                for chapter in record.syllabus
            ],
            "assessment": {"preTest": True, "postTest": record.has_final_assessment},
            "isPublished": record.active,
            "descriptionHtml": record.description,
        }


def _price_label(record: CourseRecord) -> str:
    label = "Gratis" if record.price == 0 else ("Rp " if variant(record, 2) else "Rp") + dotted(record.price)
    return garbled(label, record) if record.bad_price else label
