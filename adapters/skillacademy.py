"""Skill Academy by Ruangguru: cursor-paged JSON; prices as labels ("Rp 1.500.000", "Gratis")."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any, ClassVar

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

_METHODS = {
    "SELF_PACED": LearningMethod.SELF_PACED,
    "LIVE_CLASS": LearningMethod.WEBINAR,
    "OFFLINE_CLASS": LearningMethod.OFFLINE,
}
PAGE_SIZE = 50
COURSE_URL = "https://skillacademy.com/kelas/"


class SkillAcademyAdapter(Adapter):
    default_name = "Skill Academy by Ruangguru"
    api_key_header = "X-Api-Key"
    categories: ClassVar[Mapping[str, str]] = {
        "Digital Marketing": "Penjualan dan Pemasaran",
        "Penjualan": "Penjualan dan Pemasaran",
        "Programming": "Teknologi Informasi",
        "Data Science": "Teknologi Informasi",
        "Desain Grafis": "Teknologi Informasi",
        "Bahasa Inggris": "Bahasa Asing",
        "Bahasa Asing": "Bahasa Asing",
        "Keuangan & Investasi": "Keuangan",
        "Bisnis & Manajemen": "Manajemen",
        "Karier & Pengembangan Diri": "Sosial dan Perilaku",
        "Administrasi Perkantoran": "Perkantoran",
        "Kuliner": "Makanan dan Minuman",
        "Gaya Hidup": "Gaya Hidup",
    }

    def pages(self) -> AsyncIterator[Sequence[Any]]:
        return self.walk(None, self._page)

    async def _page(self, cursor: str | None) -> tuple[Any, str | None]:
        params = {"limit": str(PAGE_SIZE)}
        if cursor is not None:
            params["cursor"] = cursor
        body = (await self.get("/api/v1/courses", params)).json()
        return body["items"], optional_text(body["nextCursor"])

    def parse(self, raw: Any) -> Listing | None:
        if not flag(raw["isPublished"], "isPublished"):
            return None
        slug = optional_text(raw.get("slug"))
        assessment = raw.get("assessment") or {}
        return Listing(
            platform=self.slug,
            listing_id=listing_id(raw["id"]),
            title=required_text(raw["title"], "title"),
            description=plain_text(raw.get("descriptionHtml")),
            provider=provider(raw["instructorOrg"]["name"], raw["instructorOrg"].get("nib")),
            price=rupiah(raw["priceLabel"], decimal_mark=","),
            category=self.category(raw["category"]["name"]),
            method=learning_method(raw["learningMode"], _METHODS),
            duration_hours=hours(raw.get("durationMinutes"), per_unit=1 / 60),
            rating=rating(raw.get("ratingAvg"), raw.get("ratingCount")),
            syllabus=text_list(raw.get("curriculum"), "curriculum", key="chapterTitle"),
            has_final_assessment=flag(assessment.get("postTest", False), "postTest"),
            url=COURSE_URL + slug if slug else None,
            # Either marking makes a bundle: a package must never be listed, however it is flagged.
            is_bundle=raw["productType"] == "PACKAGE" or bool(raw.get("packageCourseIds")),
        )
