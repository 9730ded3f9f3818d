"""Sisnaker (Kemnaker): the whole catalogue as gzip-compressed JSON Lines; ETag / 304 when unchanged."""

from __future__ import annotations

import codecs
import gzip
import io
import zlib
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import orjson

from core.domain import LearningMethod, Listing
from core.worker import in_worker

from .base import (
    MAX_BODY_BYTES,
    Adapter,
    FeedError,
    ListingError,
    flag,
    hours,
    learning_method,
    listing_id,
    optional_text,
    plain_text,
    provider,
    required_text,
    rupiah,
    text_list,
)

_METHODS = {"DARING": LearningMethod.SELF_PACED, "WEBINAR": LearningMethod.WEBINAR, "LURING": LearningMethod.OFFLINE}
_GZIP_MAGIC = b"\x1f\x8b"
_HOURS_PER_JP = 0.75  # a jam pelajaran is 45 minutes


@dataclass(frozen=True, slots=True)
class _NotJson:
    """Stands in for a line that is not JSON, so that it is skipped and counted like any other bad listing."""

    line: int


class SisnakerAdapter(Adapter):
    default_name = "Sisnaker"
    id_field = "id_pelatihan"
    conditional = True
    categories: ClassVar[Mapping[str, str]] = {
        "Teknologi Informasi dan Komunikasi": "Teknologi Informasi",
        "Bisnis dan Manajemen": "Manajemen",
        "Administrasi Perkantoran": "Perkantoran",
        "Tata Boga": "Makanan dan Minuman",
        "Processing": "Makanan dan Minuman",
        "Otomotif": "Teknik",
        "Listrik": "Teknik",
        "Las": "Teknik",
        "Manufaktur": "Teknik",
        "Konstruksi": "Teknik",
        "Bahasa": "Bahasa Asing",
        "Pertanian": "Pertanian",
        "Perikanan": "Pertanian",
        "Tata Kecantikan": "Gaya Hidup",
        "Garmen Apparel": "Gaya Hidup",
        "Pemasaran": "Penjualan dan Pemasaran",
    }

    async def pages(self) -> AsyncIterator[Sequence[Any]]:
        response = await self.get("/export/pelatihan.jsonl.gz")
        # The whole catalogue in one file: unpacked and decoded off the event loop, which keeps serving queries.
        yield await in_worker(_courses, response.body)

    def parse(self, raw: Any) -> Listing | None:
        if isinstance(raw, _NotJson):
            raise ListingError(f"line {raw.line} is not JSON")
        if raw["status"] != "AKTIF":
            return None
        return Listing(
            platform=self.slug,
            listing_id=listing_id(raw["id_pelatihan"]),
            title=required_text(raw["nama_pelatihan"], "title"),
            description=plain_text(raw.get("deskripsi")),
            provider=provider(raw["lembaga"]["nama"], raw["lembaga"].get("nib")),
            price=rupiah(raw["biaya"], decimal_mark=","),
            category=self.category(raw["kejuruan"]),
            method=learning_method(raw["moda"], _METHODS),
            duration_hours=hours(raw.get("jp"), per_unit=_HOURS_PER_JP),
            rating=None,
            syllabus=text_list(raw.get("kurikulum"), "kurikulum", key="unit"),
            has_final_assessment=flag(raw.get("uji_kompetensi", False), "uji_kompetensi"),
            url=optional_text(raw.get("tautan")),
            is_bundle=raw["tipe"] == "PAKET",
        )


def _courses(body: bytes) -> list[Any]:
    lines = _gunzip(body).removeprefix(codecs.BOM_UTF8).split(b"\n")
    courses = [_decode(line, number) for number, line in enumerate(lines, start=1) if line.strip()]
    # A few broken lines are skipped; nothing but broken lines is not an export at all (an error page, say).
    if courses and all(isinstance(course, _NotJson) for course in courses):
        raise FeedError("the export holds no JSON lines")
    return courses


def _gunzip(body: bytes) -> bytes:
    """The export's JSON Lines. The body is the gzip file itself, unless the server also sent it with
    ``Content-Encoding: gzip``, in which case the HTTP client has already undone that layer."""
    if not body.startswith(_GZIP_MAGIC):
        return body
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as archive:
            data = archive.read(MAX_BODY_BYTES + 1)  # bounded: a small file may inflate without limit
    except (OSError, EOFError, zlib.error):
        raise FeedError("the export is not a complete gzip file") from None
    if len(data) > MAX_BODY_BYTES:
        raise FeedError("the export is larger than allowed once decompressed")
    return data


def _decode(line: bytes, number: int) -> Any:
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        return _NotJson(number)
