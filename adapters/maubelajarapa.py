"""MauBelajarApa: JSON arrays, the next page's URL in the ``Link`` response header."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence
from typing import Any
from urllib.parse import urljoin

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

_METHODS = {"daring": LearningMethod.SELF_PACED, "webinar": LearningMethod.WEBINAR, "luring": LearningMethod.OFFLINE}
_LINK = re.compile(r"<([^>]*)>([^<]*)")
_REL = re.compile(r""";\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))""", re.IGNORECASE)
FIRST_PAGE = "/api/v2/kelas?halaman=1"


class MauBelajarApaAdapter(Adapter):
    default_name = "MauBelajarApa"
    id_field = "kode"

    def pages(self) -> AsyncIterator[Sequence[Any]]:
        return self.walk(self.url(FIRST_PAGE), self._page)

    async def _page(self, url: str) -> tuple[Any, str | None]:
        response = await self.get(url)
        return response.json(), next_link(response.headers.get("Link"), url)

    def parse(self, raw: Any) -> Listing | None:
        if not flag(raw["aktif"], "aktif"):
            return None
        score = raw.get("penilaian") or {}
        return Listing(
            platform=self.slug,
            listing_id=listing_id(raw["kode"]),
            title=required_text(raw["judul"], "title"),
            description=plain_text(raw.get("deskripsi")),
            provider=provider(raw["penyelenggara"]["nama"], raw["penyelenggara"].get("nib")),
            # harga_coret is the struck-through list price: what is paid is harga.
            price=rupiah(raw["harga"], decimal_mark=","),
            category=self.category(raw["kategori"]),
            method=learning_method(raw["metode"], _METHODS),
            duration_hours=hours(raw.get("durasi_jam")),
            rating=rating(score.get("rata_rata"), score.get("jumlah")),
            syllabus=text_list(raw.get("silabus"), "silabus"),
            has_final_assessment=flag(raw.get("ujian_akhir", False), "ujian_akhir"),
            url=optional_text(raw.get("tautan")),
            is_bundle=raw["jenis"] == "paket" or bool(raw.get("isi_paket")),
        )


def next_link(header: str | None, current: str) -> str | None:
    """The ``rel="next"`` target of a ``Link`` header (RFC 8288), made absolute against the current page's URL."""
    for link in _LINK.finditer(header or ""):
        target: str = link.group(1).strip()
        for rel in _REL.finditer(link.group(2)):
            # A rel may hold several space-separated relation types: rel="next last".
            if "next" in (rel.group(1) or rel.group(2)).lower().split():
                return urljoin(current, target)
    return None
