"""Pijar Mahir (platforms.md §7): JSON:API, providers in ``included``, absolute ``links.next``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from aiohttp import web

from ..catalogue import CourseRecord
from ..http import int_param, json_response, page
from .base import Feed, number_price, rating_or_none, variant

_DELIVERY = {"SELF_PACED": "self-paced", "WEBINAR": "live-online", "OFFLINE": "classroom"}
MAX_SIZE = 100

ProviderKey = tuple[str, str | None]


class PijarMahirFeed(Feed):
    slug = "pijarmahir"

    def routes(self) -> Iterable[web.RouteDef]:
        return [web.get("/jsonapi/courses", self.courses)]

    async def courses(self, request: web.Request) -> web.Response:
        number = int_param(request, "page[number]", default=1, minimum=1)
        size = int_param(request, "page[size]", default=20, minimum=1, maximum=MAX_SIZE)
        chunk = page(self.records, (number - 1) * size, size)
        links: dict[str, str | None] = {
            "self": str(request.url),
            "next": str(request.url.update_query({"page[number]": str(number + 1)}))
            if chunk.next_offset is not None else None,
        }
        body: dict[str, Any] = {"data": [self.item(r) for r in chunk.items]}
        if "provider" in request.query.get("include", "").split(","):
            providers = dict.fromkeys(_provider(r) for r in chunk.items)
            body["included"] = [
                {"type": "providers", "id": self._provider_id(key), "attributes": {"name": key[0], "nib": key[1]}}
                for key in providers
            ]
        body["links"] = links
        body["meta"] = {"total": len(self.records)}
        return json_response(body)

    def item(self, record: CourseRecord) -> dict[str, Any]:
        average, count = rating_or_none(record)
        return {
            "type": "courses",
            "id": record.listing_id,
            "attributes": {
                "title": record.title,
                "price_idr": number_price(record),
                "course_kind": "bundle" if record.is_bundle else "single",
                "duration": iso_duration(record.duration_hours, days=bool(variant(record, 2))),
                "delivery_method": _DELIVERY[record.method],
                "category": record.platform_category,
                "rating": average,
                "rating_count": count,
                "modules": list(record.syllabus),
                "final_assessment": record.has_final_assessment,
                "status": "live" if record.active else ("draft", "retired")[variant(record, 2)],
                "url": record.url,
                "summary": record.description,
            },
            "relationships": {
                "provider": {"data": {"type": "providers", "id": self._provider_id(_provider(record))}},
                "bundle_members": {"data": [{"type": "courses", "id": c} for c in record.components]},
            },
        }

    def _provider_id(self, key: ProviderKey) -> str:
        return self.derived("provider_ids", self._number_providers)[key]

    def _number_providers(self) -> dict[ProviderKey, str]:
        # A provider sent without its NIB is a different provider object in JSON:API terms: keyed on both.
        keys = dict.fromkeys(_provider(r) for r in self.records)
        return {key: str(n) for n, key in enumerate(keys, start=1)}


def _provider(record: CourseRecord) -> ProviderKey:
    return record.provider_name, record.provider_nib


def iso_duration(hours: float | None, *, days: bool) -> str | None:
    """An ISO 8601 duration: 12.5 → ``PT12H30M``, 0.75 → ``PT45M``, 26 → ``P1DT2H`` when ``days``."""
    if hours is None:
        return None
    minutes = round(hours * 60)
    d, rest = divmod(minutes, 24 * 60) if days else (0, minutes)
    h, m = divmod(rest, 60)
    time = (f"{h}H" if h else "") + (f"{m}M" if m else "")
    if not d and not time:
        return "PT0M"
    return "P" + (f"{d}D" if d else "") + (f"T{time}" if time else "")
