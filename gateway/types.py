"""The domain types every layer shares: what an adapter produces and the catalogue serves."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class LearningMethod(StrEnum):
    SELF_PACED = "SELF_PACED"
    WEBINAR = "WEBINAR"
    OFFLINE = "OFFLINE"


class PlatformStatus(StrEnum):
    OK = "OK"
    STALE = "STALE"
    DOWN = "DOWN"
    SUSPENDED = "SUSPENDED"


OFFICIAL_CATEGORIES: tuple[str, ...] = (
    "Penjualan dan Pemasaran",
    "Teknologi Informasi",
    "Keuangan",
    "Bahasa Asing",
    "Gaya Hidup",
    "Manajemen",
    "Perkantoran",
    "Sosial dan Perilaku",
    "Makanan dan Minuman",
    "Pertanian",
    "Teknik",
    "Lainnya",
)
OTHER_CATEGORY = "Lainnya"


@dataclass(frozen=True, slots=True)
class Provider:
    """The Lembaga Pelatihan (training institution) that gives a course."""

    name: str
    nib: str | None


@dataclass(frozen=True, slots=True)
class Rating:
    average: float
    count: int


@dataclass(frozen=True, slots=True)
class Listing:
    """One course as one platform sells it, normalised: prices in whole rupiah, plain-text description."""

    platform: str
    listing_id: str
    title: str
    description: str | None
    provider: Provider
    price: int
    category: str
    method: LearningMethod
    duration_hours: float | None
    rating: Rating | None
    syllabus: tuple[str, ...]
    has_final_assessment: bool
    url: str | None
    is_bundle: bool = False

    @property
    def id(self) -> str:
        return f"{self.platform}:{self.listing_id}"

    @property
    def review_count(self) -> int:
        return self.rating.count if self.rating else 0


@dataclass(frozen=True, slots=True)
class FeedResult:
    """One refresh of one feed: its active listings (bundles marked) and how many listings were skipped."""

    listings: tuple[Listing, ...]
    skipped: int
