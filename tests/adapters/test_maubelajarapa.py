"""MauBelajarApa (platforms.md §6): JSON arrays, the next page in the ``Link`` header."""

from __future__ import annotations

from typing import Any

import pytest

from adapters import FeedError
from adapters.maubelajarapa import next_link
from core.domain import LearningMethod, Listing, Provider, Rating

from .conftest import Upstream, by_id, json_reply

PATH = "/api/v2/kelas"
KELAS: dict[str, Any] = {
    "kode": "MBA-0001",
    "judul": "Membuat Kue Kering untuk Dijual",
    "penyelenggara": {"nama": "LKP Dapur Ibu", "nib": ""},
    "harga": 150000, "harga_coret": 300000,
    "jenis": "satuan", "isi_paket": [],
    "kategori": "Makanan dan Minuman",
    "metode": "luring",
    "durasi_jam": 8,
    "penilaian": {"rata_rata": 4.2, "jumlah": 31},
    "silabus": ["Bahan dan alat", "Adonan dasar"],
    "ujian_akhir": True,
    "aktif": True,
    "tautan": "https://maubelajarapa.com/kelas/kue-kering",
    "deskripsi": "Teks biasa",
}


def kelas(kode: str, **changes: Any) -> dict[str, Any]:
    return {**KELAS, "kode": kode, **changes}


def link(url: str, rel: str = "next") -> dict[str, str]:
    return {"Link": f'<{url}>; rel="{rel}"'}


async def test_the_documented_class_reads_as_a_listing(upstream: Upstream):
    upstream.on(PATH, json_reply([KELAS]))
    result = await upstream.fetch("maubelajarapa")
    assert result.listings == (
        Listing(
            platform="maubelajarapa",
            listing_id="MBA-0001",
            title="Membuat Kue Kering untuk Dijual",
            description="Teks biasa",
            provider=Provider("LKP Dapur Ibu", None),  # "" is no NIB
            price=150_000,  # not the struck-through 300.000
            category="Makanan dan Minuman",
            method=LearningMethod.OFFLINE,
            duration_hours=8.0,
            rating=Rating(4.2, 31),
            syllabus=("Bahan dan alat", "Adonan dasar"),
            has_final_assessment=True,
            url="https://maubelajarapa.com/kelas/kue-kering",
        ),
    )
    assert upstream.requests[0].query["halaman"] == "1"


async def test_pages_follow_the_link_header_until_there_is_no_next(upstream: Upstream):
    base = upstream.base_url + PATH
    upstream.on(
        PATH,
        json_reply([kelas("a")], headers=link(f"{base}?halaman=2")),
        json_reply([kelas("b")], headers={"Link": f'<{base}?halaman=1>; rel="prev", <{base}?halaman=3>; rel="next"'}),
        json_reply([kelas("c")], headers=link(f"{base}?halaman=2", rel="prev")),
    )
    result = await upstream.fetch("maubelajarapa", api_key="mba-key")
    assert sorted(by_id(result)) == ["a", "b", "c"]
    assert [r.query["halaman"] for r in upstream.requests] == ["1", "2", "3"]
    assert {r.headers["X-Api-Key"] for r in upstream.requests} == {"mba-key"}


async def test_a_link_back_to_a_page_already_read_fails_instead_of_looping(upstream: Upstream):
    base = upstream.base_url + PATH
    upstream.on(PATH, json_reply([kelas("a")], headers=link(f"{base}?halaman=2")),
                json_reply([kelas("b")], headers=link(f"{base}?halaman=2")))
    with pytest.raises(FeedError, match="leads back to a page already read"):
        await upstream.fetch("maubelajarapa")
    assert len(upstream.requests) == 2


async def test_the_key_is_not_sent_to_another_host(upstream: Upstream):
    elsewhere = upstream.base_url.replace("127.0.0.1", "localhost") + PATH + "?halaman=2"
    upstream.on(PATH, json_reply([kelas("a")], headers=link(elsewhere)), json_reply([kelas("b")]))
    result = await upstream.fetch("maubelajarapa", api_key="mba-key")
    assert len(result.listings) == 2
    assert upstream.requests[0].headers["X-Api-Key"] == "mba-key"
    assert "X-Api-Key" not in upstream.requests[1].headers


async def test_packages_are_marked_and_inactive_classes_left_out(upstream: Upstream):
    upstream.on(PATH, json_reply([
        kelas("single", metode="daring", penilaian={"rata_rata": 0, "jumlah": 0}),
        kelas("package", jenis="paket", isi_paket=["single", "MBA-0002"], metode="webinar"),
        kelas("inactive", aktif=False),
        kelas("broken", harga="seratus lima puluh ribu"),
        kelas("no-provider", penyelenggara=None),
    ]))
    result = await upstream.fetch("maubelajarapa")
    listings = by_id(result)
    assert sorted(listings) == ["package", "single"]
    assert listings["package"].is_bundle and not listings["single"].is_bundle
    assert listings["single"].method is LearningMethod.SELF_PACED and listings["single"].rating is None
    assert listings["package"].method is LearningMethod.WEBINAR
    assert result.skipped == 2


async def test_a_page_that_is_not_an_array_fails_the_refresh(upstream: Upstream):
    upstream.on(PATH, json_reply({"data": [KELAS]}))
    with pytest.raises(FeedError, match="does not hold a list"):
        await upstream.fetch("maubelajarapa")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ('<https://m.example/kelas?halaman=2>; rel="next"', "https://m.example/kelas?halaman=2"),
        ("<https://m.example/kelas?halaman=2>; rel=next", "https://m.example/kelas?halaman=2"),
        ('<https://m.example/a>; rel="prev", <https://m.example/b>; rel="next"', "https://m.example/b"),
        ('<https://m.example/b>; title="x"; rel="next last"', "https://m.example/b"),
        ('<https://m.example/last>; rel="last"', None),
        ('</api/v2/kelas?halaman=3>; rel="next"', "https://m.example/api/v2/kelas?halaman=3"),
    ],
)
def test_reading_the_link_header(header, expected):
    assert next_link(header, "https://m.example/api/v2/kelas?halaman=2") == expected
