"""Sekolahmu: a GraphQL API paged with ``first``/``after``; an ``errors`` entry fails the page even with data."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any, ClassVar

from core.domain import LearningMethod, Listing

from .base import (
    Adapter,
    FeedError,
    flag,
    hours,
    learning_method,
    listing_id,
    plain_text,
    provider,
    rating,
    required_text,
    rupiah,
    text_list,
)

_METHODS = {
    "asinkron": LearningMethod.SELF_PACED,
    "sinkron": LearningMethod.WEBINAR,
    "tatap_muka": LearningMethod.OFFLINE,
}
PAGE_SIZE = 50
PROGRAM_URL = "https://www.sekolah.mu/program/"
QUERY = """
query Programs($first: Int!, $after: String) {
  programs(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      slug title partner { name nib } price isBundle bundleContents category learningType totalHours
      rating ratingCount modules hasPostTest status descriptionHtml
    }
  }
}
"""


class SekolahmuAdapter(Adapter):
    default_name = "Sekolahmu"
    id_field = "slug"
    categories: ClassVar[Mapping[str, str]] = {
        "Teknologi": "Teknologi Informasi",
        "Bisnis": "Manajemen",
        "Pemasaran": "Penjualan dan Pemasaran",
        "Bahasa": "Bahasa Asing",
        "Kuliner": "Makanan dan Minuman",
        "Keuangan": "Keuangan",
        "Perkantoran": "Perkantoran",
        "Pertanian": "Pertanian",
        "Teknik": "Teknik",
        "Kecantikan": "Gaya Hidup",
        "Pengembangan Diri": "Sosial dan Perilaku",
    }

    def pages(self) -> AsyncIterator[Sequence[Any]]:
        return self.walk(None, self._page)

    async def _page(self, after: str | None) -> tuple[Any, str | None]:
        variables = {"first": PAGE_SIZE, "after": after}
        body = (await self.request("POST", "/graphql", json={"query": QUERY, "variables": variables})).json()
        if errors := body.get("errors"):
            raise FeedError(f"the GraphQL API answered with errors: {_first_message(errors)}")
        connection = body["data"]["programs"]
        page_info = connection["pageInfo"]
        if not flag(page_info["hasNextPage"], "hasNextPage"):
            return connection["nodes"], None
        end_cursor = page_info["endCursor"]
        if not isinstance(end_cursor, str):
            raise FeedError("the GraphQL API says there is a next page but gives no endCursor")
        return connection["nodes"], end_cursor

    def parse(self, raw: Any) -> Listing | None:
        if raw["status"] != "PUBLISHED":
            return None
        slug = listing_id(raw["slug"])
        return Listing(
            platform=self.slug,
            listing_id=slug,
            title=required_text(raw["title"], "title"),
            description=plain_text(raw.get("descriptionHtml")),
            provider=provider(raw["partner"]["name"], raw["partner"].get("nib")),
            price=rupiah(raw["price"], decimal_mark="."),
            category=self.category(raw["category"]),
            method=learning_method(raw["learningType"], _METHODS),
            duration_hours=hours(raw.get("totalHours")),
            rating=rating(raw.get("rating"), raw.get("ratingCount")),
            syllabus=text_list(raw.get("modules"), "modules"),
            has_final_assessment=flag(raw.get("hasPostTest", False), "hasPostTest"),
            url=PROGRAM_URL + slug,
            is_bundle=flag(raw["isBundle"], "isBundle") or bool(raw.get("bundleContents")),
        )


def _first_message(errors: Any) -> str:
    first = errors[0] if isinstance(errors, list) else None
    message = first.get("message") if isinstance(first, dict) else None
    return repr(message[:80]) if isinstance(message, str) else "(no message)"
