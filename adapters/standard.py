"""The standard feed that platforms admitted later publish: onboarded by configuration alone.

Its display name comes from the configuration (``name``), the slug when none is given.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from core.domain import LearningMethod, Listing

from .base import (
    Adapter,
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

_METHODS = {method.value: method for method in LearningMethod}


class StandardAdapter(Adapter):
    def pages(self) -> AsyncIterator[Sequence[Any]]:
        return self.walk("", self._page)

    async def _page(self, token: str) -> tuple[Any, str | None]:
        body = (await self.get("/prakerja-feed/v1/courses", {"page_token": token})).json()
        # An empty token is the end too: the first page is asked for with one.
        return body["courses"], optional_text(body["next_page_token"])

    def parse(self, raw: Any) -> Listing | None:
        if not flag(raw["active"], "active"):
            return None
        score = raw.get("rating") or {}
        return Listing(
            platform=self.slug,
            listing_id=listing_id(raw["id"]),
            title=required_text(raw["title"], "title"),
            description=plain_text(raw.get("description")),
            provider=provider(raw["provider"]["name"], raw["provider"].get("nib")),
            price=rupiah(raw["price"], decimal_mark="."),
            category=self.category(raw["category"]),
            method=learning_method(raw["method"], _METHODS),
            duration_hours=hours(raw.get("duration_hours")),
            rating=rating(score.get("average"), score.get("count")),
            syllabus=text_list(raw.get("syllabus"), "syllabus"),
            has_final_assessment=flag(raw.get("has_final_assessment", False), "has_final_assessment"),
            url=optional_text(raw.get("url")),
            is_bundle=flag(raw.get("is_bundle", False), "is_bundle"),
        )
