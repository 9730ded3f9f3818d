"""The domain types every layer shares: what an adapter produces and the catalogue serves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from enum import StrEnum

from core.feed_report import FeedReport


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
    """One refresh of one feed: its active listings (bundles marked) and the accounting of the reading."""

    listings: tuple[Listing, ...]
    report: FeedReport

    @property
    def skipped(self) -> int:
        """Listings left out as unusable."""
        return self.report.unusable_count


class Scheme(StrEnum):
    SEMI_BANSOS_2020 = "SEMI_BANSOS_2020"
    NORMAL_2023 = "NORMAL_2023"


@dataclass(frozen=True, slots=True)
class SchemeTerms:
    """What a scheme gives (rules.md §2): the training balance and the first-purchase window."""

    balance: int
    first_purchase_window_days: int


SCHEMES: dict[Scheme, SchemeTerms] = {
    Scheme.SEMI_BANSOS_2020: SchemeTerms(balance=1_000_000, first_purchase_window_days=30),
    Scheme.NORMAL_2023: SchemeTerms(balance=3_500_000, first_purchase_window_days=15),
}


class CardStatus(StrEnum):
    ACTIVE = "ACTIVE"
    REVOKED = "REVOKED"
    DEACTIVATED = "DEACTIVATED"


class PurchaseStatus(StrEnum):
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"


# Letter S-148/Dir-Eks/06/2020: bundles bought before 30 June 2020, Asia/Jakarta (UTC+7), stay valid.
BUNDLE_CUTOFF = datetime(2020, 6, 30, tzinfo=timezone(timedelta(hours=7)))


@dataclass(frozen=True, slots=True)
class Purchase:
    platform: str
    listing_id: str
    title: str
    provider: Provider
    purchased_at: datetime
    price: int
    status: PurchaseStatus
    rated: bool
    is_bundle: bool

    @property
    def course_id(self) -> str:
        return f"{self.platform}:{self.listing_id}"

    @property
    def honoured(self) -> bool:
        # Both sides carry their offset, so the comparison is of instants: 2020-06-29T17:30:00Z is not before.
        return not self.is_bundle or self.purchased_at < BUNDLE_CUTOFF

    def __repr__(self) -> str:
        return f"Purchase(status={self.status.value})"  # what a participant bought is theirs: kept out of logs


@dataclass(frozen=True, slots=True)
class Participant:
    """A signed-in participant as the participant service tells it; theirs alone, never logged or shared."""

    participant_id: str
    card_number: str
    scheme: Scheme
    card_status: CardStatus
    recipient_since: datetime
    initial_balance: int
    remaining_balance: int
    purchases: tuple[Purchase, ...]

    @property
    def first_purchase_deadline(self) -> datetime | None:
        """``recipient_since`` + the scheme's window; ``None`` once a first purchase was made."""
        if self.purchases:
            return None
        return self.recipient_since + timedelta(days=SCHEMES[self.scheme].first_purchase_window_days)

    @property
    def masked_card_number(self) -> str:
        """Only the last four digits shown: "**** **** **** 1234"."""
        return "**** **** **** " + self.card_number[-4:]

    def __repr__(self) -> str:
        return f"Participant(scheme={self.scheme.value}, purchases={len(self.purchases)})"


# Who is calling, as the participant service tells it.


@dataclass(frozen=True, slots=True)
class Anonymous:
    """No token was sent."""


@dataclass(frozen=True, slots=True, repr=False)
class SignedIn:
    participant: Participant

    def __repr__(self) -> str:
        return "SignedIn(...)"


@dataclass(frozen=True, slots=True)
class InvalidToken:
    """The service refused the token (401), or the Authorization header was not ``Bearer <token>``."""


@dataclass(frozen=True, slots=True)
class Unavailable:
    """The service timed out, could not be reached, failed, or answered something that is not a participant."""


Caller = Anonymous | SignedIn | InvalidToken | Unavailable
ANONYMOUS = Anonymous()
INVALID_TOKEN = InvalidToken()
UNAVAILABLE = Unavailable()
