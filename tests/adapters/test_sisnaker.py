"""Sisnaker (platforms.md §8): one gzip JSON Lines export, Indonesian prices, jam pelajaran, ETag / 304."""

from __future__ import annotations

import gzip
from typing import Any

import orjson
import pytest

from adapters import FeedError
from core.domain import LearningMethod, Listing, Provider

from .conftest import Reply, Upstream, by_id

PATH = "/export/pelatihan.jsonl.gz"
PELATIHAN: dict[str, Any] = {
    "id_pelatihan": 77, "nama_pelatihan": "Teknisi Sepeda Motor Injeksi",
    "lembaga": {"nama": "BLK Bekasi", "nib": None},
    "biaya": "Rp1.000.000,00", "tipe": "TUNGGAL", "kejuruan": "Otomotif", "moda": "LURING", "jp": 40,
    "kurikulum": [{"unit": "Sistem injeksi", "jp": 8}], "uji_kompetensi": True, "status": "AKTIF",
    "tautan": "https://skillhub.kemnaker.go.id/pelatihan/77", "deskripsi": "...",
}


def pelatihan(id_pelatihan: int, **changes: Any) -> dict[str, Any]:
    return {**PELATIHAN, "id_pelatihan": id_pelatihan, **changes}


def jsonl(*lines: dict[str, Any] | bytes) -> bytes:
    return b"\n".join(line if isinstance(line, bytes) else orjson.dumps(line) for line in lines) + b"\n"


def export(*lines: dict[str, Any] | bytes, headers: dict[str, str] | None = None) -> Reply:
    return Reply(gzip.compress(jsonl(*lines)), headers={"Content-Type": "application/gzip", **(headers or {})})


EXPECTED = Listing(
    platform="sisnaker",
    listing_id="77",
    title="Teknisi Sepeda Motor Injeksi",
    description="...",
    provider=Provider("BLK Bekasi", None),
    price=1_000_000,
    category="Teknik",
    method=LearningMethod.OFFLINE,
    duration_hours=30.0,  # 40 jp of 45 minutes
    rating=None,
    syllabus=("Sistem injeksi",),
    has_final_assessment=True,
    url="https://skillhub.kemnaker.go.id/pelatihan/77",
)


async def test_the_documented_line_reads_as_a_listing(upstream: Upstream):
    upstream.on(PATH, export(PELATIHAN))
    result = await upstream.fetch("sisnaker")
    assert result.listings == (EXPECTED,)
    assert result.skipped == 0


async def test_an_export_also_sent_with_content_encoding_gzip(upstream: Upstream):
    # Then the HTTP client undoes the compression before the adapter sees the body.
    upstream.on(PATH, Reply(gzip.compress(jsonl(PELATIHAN)), headers={"Content-Encoding": "gzip",
                                                                      "Content-Type": "application/jsonl"}))
    assert (await upstream.fetch("sisnaker")).listings == (EXPECTED,)


async def test_a_line_that_is_not_json_is_skipped_and_counted(upstream: Upstream):
    upstream.on(PATH, export(pelatihan(1), b'{"id_pelatihan": 2, "nama_pelatihan": "Terpotong', b"[1, 2]",
                             pelatihan(3), b"   "))
    result = await upstream.fetch("sisnaker")
    assert sorted(by_id(result)) == ["1", "3"]
    assert result.skipped == 2
    # Named by line, the export having no other name for them; a line of JSON that is no object, by nothing.
    assert [(u.id, u.reason) for u in result.report.unusable] == [
        (None, "line 2 is not JSON"), (None, "a field does not have the expected type")]


@pytest.mark.parametrize(
    ("biaya", "price"),
    [("Rp1.000.000,00", 1_000_000), ("Rp 0,00", 0), ("Rp 350.000", 350_000), ("Rp1.000.000,50", 1_000_001),
     ("Rp999,49", 999)],
)
async def test_prices_use_dot_thousands_and_comma_decimals(upstream: Upstream, biaya, price):
    upstream.on(PATH, export(pelatihan(1, biaya=biaya)))
    (listing,) = (await upstream.fetch("sisnaker")).listings
    assert listing.price == price


@pytest.mark.parametrize(
    ("kejuruan", "official"),
    [
        ("Teknologi Informasi dan Komunikasi", "Teknologi Informasi"),
        ("Bisnis dan Manajemen", "Manajemen"),
        ("Administrasi Perkantoran", "Perkantoran"),
        ("Tata Boga", "Makanan dan Minuman"),
        ("Processing", "Makanan dan Minuman"),
        ("Otomotif", "Teknik"),
        ("Listrik", "Teknik"),
        ("Las", "Teknik"),
        ("Manufaktur", "Teknik"),
        ("Konstruksi", "Teknik"),
        ("Bahasa", "Bahasa Asing"),
        ("Pertanian", "Pertanian"),
        ("Perikanan", "Pertanian"),
        ("Tata Kecantikan", "Gaya Hidup"),
        ("Garmen Apparel", "Gaya Hidup"),
        ("Pemasaran", "Penjualan dan Pemasaran"),
        ("Refrigerasi", "Lainnya"),
    ],
)
async def test_kejuruan_maps_onto_the_official_categories(upstream: Upstream, kejuruan, official):
    upstream.on(PATH, export(pelatihan(1, kejuruan=kejuruan)))
    (listing,) = (await upstream.fetch("sisnaker")).listings
    assert listing.category == official


async def test_modes_packages_and_inactive_courses(upstream: Upstream):
    upstream.on(PATH, export(
        pelatihan(1, moda="DARING", jp=3, uji_kompetensi=False, kurikulum=[]),
        pelatihan(2, moda="WEBINAR", lembaga={"nama": "LPK Kemnaker", "nib": "9120001112224"}),
        pelatihan(3, tipe="PAKET"),
        pelatihan(4, status="TIDAK AKTIF"),
    ))
    listings = by_id(await upstream.fetch("sisnaker"))
    assert sorted(listings) == ["1", "2", "3"]
    assert listings["1"].method is LearningMethod.SELF_PACED and listings["1"].duration_hours == 2.25
    assert listings["1"].syllabus == () and listings["1"].has_final_assessment is False
    assert listings["2"].method is LearningMethod.WEBINAR and listings["2"].provider.nib == "9120001112224"
    assert listings["3"].is_bundle and not listings["1"].is_bundle


async def test_an_unchanged_export_answers_304_and_the_previous_listings_stay(upstream: Upstream):
    validators = {"ETag": '"export-20200701"', "Last-Modified": "Wed, 01 Jul 2020 03:00:00 GMT"}
    upstream.on(PATH, export(PELATIHAN, headers=validators), Reply(status=304))
    adapter = upstream.adapter("sisnaker")
    first = await adapter.fetch(budget_s=2)
    assert await adapter.fetch(budget_s=2) is first
    assert upstream.requests[1].headers["If-None-Match"] == '"export-20200701"'


async def test_an_export_of_nothing_but_garbage_fails_the_refresh(upstream: Upstream):
    upstream.on(PATH, Reply(b"<html><body>Sedang dalam pemeliharaan</body></html>"))
    with pytest.raises(FeedError, match="the export holds no JSON lines"):
        await upstream.fetch("sisnaker")


async def test_a_cut_off_gzip_file_fails_the_refresh(upstream: Upstream):
    whole = gzip.compress(jsonl(*(pelatihan(n) for n in range(50))))
    upstream.on(PATH, Reply(whole[: len(whole) // 2]))
    with pytest.raises(FeedError, match="not a complete gzip file"):
        await upstream.fetch("sisnaker")
