"""Sisnaker, Kemnaker (platforms.md §8): one gzip-compressed JSON Lines export, with validators and 304.

The export is a file (``.jsonl.gz``, ``application/gzip``), not a gzip *transfer*: it is sent without
``Content-Encoding``, so an HTTP client hands the compressed bytes to the adapter unchanged.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable
from typing import Any

import orjson
from aiohttp import web

from ..catalogue import CourseRecord
from ..http import conditional, entity_tag
from .base import Feed, dotted, garbled, variant

_MODES = {"SELF_PACED": "DARING", "WEBINAR": "WEBINAR", "OFFLINE": "LURING"}
JP_HOURS = 0.75
"""One *jam pelajaran* is 45 minutes."""
CONTENT_TYPE = "application/gzip"
JUNK_LINES = (
    b'{"id_pelatihan": 990001, "nama_pelatihan": "Pelatihan Terpotong',
    b"<<<<<<< ekspor-batch-17",
    b"{'id_pelatihan': 990002, 'nama_pelatihan': 'Kutip Tunggal'}",
    b'{"id_pelatihan": 990003, "status": "AKTIF",}',
)
"""What a broken export job leaves between the good lines: none of them is valid JSON."""


class SisnakerFeed(Feed):
    slug = "sisnaker"

    def routes(self) -> Iterable[web.RouteDef]:
        return [web.get("/export/pelatihan.jsonl.gz", self.export)]

    async def export(self, request: web.Request) -> web.Response:
        body, etag = self.derived("export", self._export)
        return conditional(request, body, content_type=CONTENT_TYPE, etag=etag, last_modified=self.published_at)

    def _export(self) -> tuple[bytes, str]:
        lines = [orjson.dumps(self.item(r)) for r in self.records]
        junk = self.catalogue.junk_lines
        step = max(1, len(lines) // (junk + 1))
        for n in range(junk, 0, -1):  # from the end, so earlier positions stay put
            lines.insert(min(len(lines), n * step), JUNK_LINES[n % len(JUNK_LINES)])
        # mtime=0: the same catalogue compresses to the same bytes, hence the same ETag.
        body = gzip.compress(b"\n".join(lines) + b"\n", mtime=0)
        return body, entity_tag(body)

    def item(self, record: CourseRecord) -> dict[str, Any]:
        jp = round(record.duration_hours / JP_HOURS) if record.duration_hours is not None else None
        units = _spread(jp or 0, len(record.syllabus))
        return {
            "id_pelatihan": int(record.listing_id),
            "nama_pelatihan": record.title,
            "lembaga": {"nama": record.provider_name, "nib": record.provider_nib},
            "biaya": _biaya(record),
            "tipe": "PAKET" if record.is_bundle else "TUNGGAL",
            "kejuruan": record.platform_category,
            "moda": _MODES[record.method],
            "jp": jp,
            "kurikulum": [{"unit": unit, "jp": n} for unit, n in zip(record.syllabus, units, strict=True)],
            "uji_kompetensi": record.has_final_assessment,
            "status": "AKTIF" if record.active else "TIDAK AKTIF",
            "tautan": record.url,
            "deskripsi": record.description,
        }


def _biaya(record: CourseRecord) -> str:
    if record.price == 0:
        text = "Rp 0,00"
    elif variant(record, 8) == 0:
        text = f"Rp{dotted(record.price - 1)},60"  # a fraction of a rupiah, rounding to the true price
    else:
        text = ("Rp " if variant(record, 5) == 0 else "Rp") + dotted(record.price) + ",00"
    return garbled(text, record) if record.bad_price else text


def _spread(total: int, parts: int) -> list[int]:
    """``total`` lesson hours over ``parts`` units, the first units taking the remainder."""
    if parts == 0:
        return []
    base, extra = divmod(total, parts)
    return [base + (1 if n < extra else 0) for n in range(parts)]
