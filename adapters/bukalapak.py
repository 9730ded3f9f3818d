"""Bukalapak: offset-paged JSON; decimal-point price text; a training of several items is a bundle."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any, ClassVar

from core.domain import OFFICIAL_CATEGORIES, LearningMethod, Listing

from .base import (
    Adapter,
    ListingError,
    hours,
    learning_method,
    listing_id,
    optional_text,
    plain_text,
    provider,
    rating,
    required_text,
    rupiah,
)

_METHODS = {"online": LearningMethod.SELF_PACED, "webinar": LearningMethod.WEBINAR, "offline": LearningMethod.OFFLINE}
_MODULE_PREFIX = re.compile(r"^modul\s*\d+\s*[:.\-]\s*", re.IGNORECASE)
PAGE_SIZE = 50


class BukalapakAdapter(Adapter):
    default_name = "Bukalapak"
    api_key_header = "X-Api-Key"
    # Labels are official names in lower case with hyphens for spaces: "penjualan-dan-pemasaran".
    categories: ClassVar[Mapping[str, str]] = {name.replace(" ", "-"): name for name in OFFICIAL_CATEGORIES}

    def pages(self) -> AsyncIterator[Sequence[Any]]:
        return self.walk(0, self._page)

    async def _page(self, offset: int) -> tuple[Any, int | None]:
        body = (await self.get("/prakerja/v2/trainings", {"offset": str(offset), "limit": str(PAGE_SIZE)})).json()
        trainings, meta = body["data"], body["meta"]
        total = meta["total"]
        # Advancing by what came back, from the offset the answer says it is for, not by the limit asked for: a
        # server that caps the page loses nothing, and an empty page before the total or an answer for an earlier
        # offset leads back to an offset already read, which walk() refuses.
        following = int(meta.get("offset", offset)) + len(trainings)
        return trainings, following if following < total else None

    def parse(self, raw: Any) -> Listing | None:
        if raw["state"] != "published":
            return None
        price = raw["price"]
        items = raw.get("items") or []
        if not isinstance(items, list):
            raise ListingError("items is not a list")
        evaluation = raw.get("evaluation") or []
        return Listing(
            platform=self.slug,
            listing_id=listing_id(raw["id"]),
            title=required_text(raw["name"], "title"),
            description=plain_text(raw.get("description")),
            provider=provider(raw["vendor"]["name"], raw["vendor"].get("nib")),
            price=rupiah(price["amount"], decimal_mark=".", currency=price.get("currency")),
            category=self.category(required_text(raw["category"], "category")),
            method=learning_method(raw["delivery"], _METHODS),
            duration_hours=hours(raw.get("hours")),
            rating=rating(raw.get("rating"), raw.get("review_count")),
            syllabus=_outline(raw.get("outline")),
            has_final_assessment=isinstance(evaluation, list) and "post_test" in evaluation,
            url=optional_text(raw.get("url")),
            is_bundle=len(items) > 1,
        )


def _outline(value: Any) -> tuple[str, ...]:
    """The modules of an outline: one a line, each without its leading ``Modul N:``."""
    text = optional_text(value)
    if text is None:
        return ()
    modules = (_MODULE_PREFIX.sub("", line.strip()).strip() for line in text.splitlines())
    return tuple(module for module in modules if module)
