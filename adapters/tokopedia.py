"""Tokopedia: numbered JSON pages; ``header.error_code`` fails a page even with HTTP 200."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from core.domain import LearningMethod, Listing

from .base import (
    Adapter,
    FeedError,
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

_METHODS = {"VIDEO": LearningMethod.SELF_PACED, "WEBINAR": LearningMethod.WEBINAR, "OFFLINE": LearningMethod.OFFLINE}
PER_PAGE = 100


class TokopediaAdapter(Adapter):
    default_name = "Tokopedia"
    api_key_header = "Authorization"
    api_key_scheme = "Bearer"
    id_field = "product_id"

    def pages(self) -> AsyncIterator[Sequence[Any]]:
        return self.walk(1, self._page)

    async def _page(self, page: int) -> tuple[Any, int | None]:
        body = (await self.get("/v1/prakerja/products", {"page": str(page), "per_page": str(PER_PAGE)})).json()
        if error := body["header"]["error_code"]:
            raise FeedError(f"failed with error code {str(error)[:80]!r}")
        data = body["data"]
        # The next page is the one after the page the answer says it is: an answer for an earlier page leads back.
        answered = int(data.get("page", page))
        total_pages = data["total_pages"]
        if not isinstance(total_pages, int) or answered >= total_pages:
            return data["products"], None
        return data["products"], answered + 1

    def parse(self, raw: Any) -> Listing | None:
        if raw["status"] != "ACTIVE":
            return None
        shop = raw["shop"]
        breadcrumb = required_text(raw["category_breadcrumb"], "category")
        score = raw.get("rating") or {}
        return Listing(
            platform=self.slug,
            listing_id=listing_id(raw["product_id"]),
            title=required_text(raw["name"], "title"),
            description=plain_text(raw.get("description_html")),
            provider=provider(shop["name"], shop.get("nib")),
            price=rupiah(raw["price"], decimal_mark="."),
            category=self.category(breadcrumb.rsplit(">", 1)[-1]),
            method=learning_method(raw["delivery"], _METHODS),
            duration_hours=hours(raw.get("duration_hours")),
            rating=rating(score.get("average"), score.get("count")),
            syllabus=text_list(raw.get("syllabus"), "syllabus"),
            has_final_assessment=flag(raw.get("has_post_test", False), "has_post_test"),
            url=optional_text(raw.get("url")),
            # Either marking makes a bundle: a bundle must never be listed, however it is flagged.
            is_bundle=raw["product_type"] == "BUNDLE" or bool(raw.get("bundle_items")),
        )
