"""MauBelajarApa (platforms.md §6): a bare JSON array per page, the next page in the ``Link`` header."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from aiohttp import web

from ..catalogue import CourseRecord
from ..http import int_param, json_response, page
from .base import Feed, number, number_price, rating_or_none

_METHODS = {"SELF_PACED": "daring", "WEBINAR": "webinar", "OFFLINE": "luring"}
PAGE_SIZE = 50


class MauBelajarApaFeed(Feed):
    slug = "maubelajarapa"

    def routes(self) -> Iterable[web.RouteDef]:
        return [web.get("/api/v2/kelas", self.kelas)]

    async def kelas(self, request: web.Request) -> web.Response:
        halaman = int_param(request, "halaman", default=1, minimum=1)
        chunk = page(self.records, (halaman - 1) * PAGE_SIZE, PAGE_SIZE)
        # Absolute URLs built from the request, so they follow whatever host and port the client used.
        links = []
        if halaman > 1:
            links.append(f'<{request.url.update_query(halaman=str(halaman - 1))}>; rel="prev"')
        if chunk.next_offset is not None:
            links.append(f'<{request.url.update_query(halaman=str(halaman + 1))}>; rel="next"')
        headers = {"Link": ", ".join(links)} if links else None
        return json_response([self.item(r) for r in chunk.items], headers=headers)

    def item(self, record: CourseRecord) -> dict[str, Any]:
        average, count = rating_or_none(record)
        return {
            "kode": record.listing_id,
            "judul": record.title,
            "penyelenggara": {"nama": record.provider_name, "nib": record.provider_nib or ""},
            "harga": number_price(record),
            "harga_coret": record.price * 2 if record.price else None,
            "jenis": "paket" if record.is_bundle else "satuan",
            "isi_paket": list(record.components),
            "kategori": record.platform_category,
            "metode": _METHODS[record.method],
            "durasi_jam": number(record.duration_hours) if record.duration_hours is not None else None,
            "penilaian": {"rata_rata": average or 0, "jumlah": count},
            "silabus": list(record.syllabus),
            "ujian_akhir": record.has_final_assessment,
            "aktif": record.active,
            "tautan": record.url,
            "deskripsi": record.description,
        }
