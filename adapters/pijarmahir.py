"""Pijar Mahir: JSON:API pages with providers ``included``, ``links.next`` absolute, ISO 8601 durations."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

from core.domain import LearningMethod, Listing

from .base import (
    Adapter,
    ListingError,
    flag,
    hours,
    learning_method,
    listing_id,
    optional_text,
    plain_text,
    provider,
    rating,
    required_text,
    rupiah,
    text_list,
)

_METHODS = {
    "self-paced": LearningMethod.SELF_PACED,
    "live-online": LearningMethod.WEBINAR,
    "classroom": LearningMethod.OFFLINE,
}
_NUMBER = r"(\d+(?:[.,]\d+)?)"
# Years and months have no fixed length in hours, so a duration that uses them is not accepted.
_DURATION = re.compile(rf"P(?:{_NUMBER}W)?(?:{_NUMBER}D)?(?:T(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?")
_HOURS_PER = (7 * 24, 24, 1, 1 / 60, 1 / 3600)
FIRST_PAGE = "/jsonapi/courses?page[number]=1&page[size]=50&include=provider"

Providers = Mapping[str, Any]


class PijarMahirAdapter(Adapter):
    default_name = "Pijar Mahir"

    def pages(self) -> AsyncIterator[Sequence[Any]]:
        return self.walk(self.url(FIRST_PAGE), self._page)

    async def _page(self, url: str) -> tuple[Any, str | None]:
        body = (await self.get(url)).json()
        courses, included = body["data"], body.get("included") or []
        if not isinstance(courses, list) or not isinstance(included, list):
            raise TypeError("data and included must be lists")
        providers: Providers = {
            str(item["id"]): item.get("attributes")
            for item in included
            if isinstance(item, dict) and item.get("type") == "providers" and "id" in item
        }
        # A course only names its provider: each is paired with this page's providers to be read on its own.
        return [(course, providers) for course in courses], optional_text((body.get("links") or {}).get("next"))

    def raw_id(self, raw: tuple[Any, Providers]) -> Any:
        course = raw[0]
        return course.get("id") if isinstance(course, dict) else None

    def parse(self, raw: tuple[Any, Providers]) -> Listing | None:
        course, providers = raw
        if course["type"] != "courses":
            raise ListingError("not a course resource")
        attributes = course["attributes"]
        if attributes["status"] != "live":
            return None
        relationships = course.get("relationships") or {}
        org = providers.get(str(relationships["provider"]["data"]["id"]))
        if not isinstance(org, dict):
            raise ListingError("the provider is not included")
        members = (relationships.get("bundle_members") or {}).get("data")
        return Listing(
            platform=self.slug,
            listing_id=listing_id(course["id"]),
            title=required_text(attributes["title"], "title"),
            description=plain_text(attributes.get("summary")),
            provider=provider(org.get("name"), org.get("nib")),
            price=rupiah(attributes["price_idr"], decimal_mark="."),
            category=self.category(attributes["category"]),
            method=learning_method(attributes["delivery_method"], _METHODS),
            duration_hours=iso_duration_hours(attributes.get("duration")),
            rating=rating(attributes.get("rating"), attributes.get("rating_count")),
            syllabus=text_list(attributes.get("modules"), "modules"),
            has_final_assessment=flag(attributes.get("final_assessment", False), "final_assessment"),
            url=optional_text(attributes.get("url")),
            is_bundle=attributes["course_kind"] == "bundle" or bool(members),
        )


def iso_duration_hours(value: Any) -> float | None:
    """Hours in an ISO 8601 duration: ``PT12H30M`` is 12.5, ``P1DT2H`` is 26; ``None`` stays ``None``."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ListingError("duration is not text")
    text = value.strip().upper()
    match = _DURATION.fullmatch(text)
    # "P" and "PT" match the pattern with nothing in them, and are not durations.
    if match is None or not any(match.groups()) or text.endswith("T"):
        raise ListingError("duration is not an ISO 8601 duration in weeks, days, hours, minutes and seconds")
    parts = zip(match.groups(), _HOURS_PER, strict=True)
    return hours(sum(float(part.replace(",", ".")) * per for part, per in parts if part))
