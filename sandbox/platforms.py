"""What the simulation knows about each platform (platforms.md §1–9) beyond the shape of its feed.

The category tables are the platforms' own vocabularies, written from the spec rather than shared with the
adapters: the sandbox is an independent party, so a mistake on either side shows up as a failing test.
"""

from __future__ import annotations

from datetime import timedelta, timezone
from functools import cache
from typing import Final

from core.domain import OFFICIAL_CATEGORIES

OTHER: Final = "Lainnya"
JAKARTA: Final = timezone(timedelta(hours=7), "WIB")
"""The programme's time zone (Asia/Jakarta has no daylight saving time)."""

PLATFORMS: Final[tuple[str, ...]] = (
    "tokopedia", "skillacademy", "maubelajarapa", "bukalapak", "pintaria",
    "sekolahmu", "sisnaker", "pijarmahir", "karirmu",
)
"""Every simulated platform, in port order (participants on port_base, these on port_base+1 … +9)."""

NAMES: Final[dict[str, str]] = {
    "tokopedia": "Tokopedia",
    "skillacademy": "Skill Academy by Ruangguru",
    "maubelajarapa": "MauBelajarApa",
    "bukalapak": "Bukalapak",
    "pintaria": "Pintaria",
    "sekolahmu": "Sekolahmu",
    "sisnaker": "Sisnaker",
    "pijarmahir": "Pijar Mahir",
    "karirmu": "Karier.mu",
}

STANDARD_FEED: Final[frozenset[str]] = frozenset({"karirmu"})
"""Platforms that publish the standard feed (platforms.md §9): the gateway reads them with ``adapter = "standard"``."""

TEXT_PRICES: Final[frozenset[str]] = frozenset({"skillacademy", "bukalapak", "pintaria", "sisnaker"})
"""Platforms that send the price as text, so a listing can carry a price nobody can parse."""

OPTIONAL_DURATION: Final[frozenset[str]] = frozenset({"sekolahmu", "pijarmahir"})
"""Platforms whose feed allows a course without a duration."""

UNRATED: Final[frozenset[str]] = frozenset({"sisnaker"})
"""Platforms that never send a rating."""

DURATION_STEP_H: Final[dict[str, float]] = {"sisnaker": 0.75}
"""A duration on these platforms is a whole number of this many hours (Sisnaker counts 45-minute *jam pelajaran*)."""

_OFFICIAL: Final = {name: name for name in OFFICIAL_CATEGORIES}


def _hyphenated(name: str) -> str:
    return name.lower().replace(" ", "-")


CATEGORY_LABELS: Final[dict[str, dict[str, str]]] = {
    "tokopedia": dict(_OFFICIAL),
    "skillacademy": {
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
        "Fotografi & Videografi": OTHER,
        "Seni & Kreativitas": OTHER,
    },
    "maubelajarapa": {**_OFFICIAL, "Hobi dan Kerajinan": OTHER},
    "bukalapak": {**{_hyphenated(name): name for name in OFFICIAL_CATEGORIES}, "hobi-dan-kerajinan": OTHER},
    # Pintaria writes official names in any case with stray spaces; the generator varies them (see catalogue).
    "pintaria": {**_OFFICIAL, "Seni dan Kerajinan": OTHER},
    "sekolahmu": {
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
        "Seni": OTHER,
        "Hobi": OTHER,
    },
    "sisnaker": {
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
        "Pariwisata": OTHER,
        "Seni Budaya": OTHER,
    },
    "pijarmahir": {**_OFFICIAL, "Kreatif": OTHER},
    "karirmu": dict(_OFFICIAL),
}
"""Each platform's own category labels, mapped to the official category an adapter must give them."""


@cache
def labels_for(platform: str, category: str) -> tuple[str, ...]:
    """The labels a platform may use for a course of an official category (empty: it never sells such courses)."""
    return tuple(label for label, official in CATEGORY_LABELS[platform].items() if official == category)
