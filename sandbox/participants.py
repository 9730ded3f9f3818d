"""The programme's participant service (platforms.md §10), with demo participants covering rules.md §1–3.

``GET /v1/participants/me`` with ``Authorization: Bearer <token>``; 401 for a token it does not know. The demo
participants buy real records of the current catalogue, so that rules 9–10 (the same course on another platform)
and the bundle cut-off can be seen end to end. Tests add their own participants with
:meth:`ParticipantService.add` (or ``Sandbox.add_participant``), e.g. a first-purchase deadline one day away.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Final, Literal

from aiohttp import web

from .catalogue import CourseRecord, DemoCatalogue
from .http import json_response
from .platforms import JAKARTA

Scheme = Literal["SEMI_BANSOS_2020", "NORMAL_2023"]
CardStatus = Literal["ACTIVE", "REVOKED", "DEACTIVATED"]
PurchaseStatus = Literal["IN_PROGRESS", "COMPLETED", "CANCELLED"]

BALANCES: Final[dict[Scheme, int]] = {"SEMI_BANSOS_2020": 1_000_000, "NORMAL_2023": 3_500_000}
BUNDLE_CUTOFF: Final = datetime(2020, 6, 30, tzinfo=JAKARTA)


@dataclass(frozen=True, slots=True)
class Purchase:
    platform: str
    listing_id: str
    title: str
    provider_name: str
    provider_nib: str | None
    purchased_at: datetime
    price: int
    status: PurchaseStatus = "COMPLETED"
    rated: bool = True
    is_bundle: bool = False

    @classmethod
    def of(cls, record: CourseRecord, purchased_at: datetime, status: PurchaseStatus = "COMPLETED",
           *, rated: bool = True) -> Purchase:
        """A purchase of a catalogue record, at the record's price."""
        return cls(record.platform, record.listing_id, record.title, record.provider_name, record.provider_nib,
                   purchased_at, record.price, status, rated, record.is_bundle)

    def document(self) -> dict[str, Any]:
        return {
            "platform": self.platform,
            "listing_id": self.listing_id,
            "title": self.title,
            "provider": {"name": self.provider_name, "nib": self.provider_nib},
            "purchased_at": timestamp(self.purchased_at),
            "price": self.price,
            "status": self.status,
            "rated": self.rated,
            "is_bundle": self.is_bundle,
        }


@dataclass(frozen=True, slots=True)
class Participant:
    participant_id: str = "P-999999"
    card_number: str = "5200999999999999"
    scheme: Scheme = "NORMAL_2023"
    card_status: CardStatus = "ACTIVE"
    recipient_since: datetime | timedelta = timedelta(days=3)
    """A datetime, or a timedelta meaning that long before each request (so a window stays open or shut)."""
    purchases: tuple[Purchase, ...] = ()
    initial_balance: int | None = None
    """``None``: the scheme's training balance."""
    remaining_balance: int | None = None
    """``None``: the initial balance less every purchase not cancelled (never below zero)."""

    def document(self, now: datetime) -> dict[str, Any]:
        since = self.recipient_since
        if isinstance(since, timedelta):
            since = (now - since).astimezone(JAKARTA).replace(microsecond=0)
        initial = BALANCES[self.scheme] if self.initial_balance is None else self.initial_balance
        spent = sum(p.price for p in self.purchases if p.status != "CANCELLED")
        remaining = max(0, initial - spent) if self.remaining_balance is None else self.remaining_balance
        return {
            "participant_id": self.participant_id,
            "card_number": self.card_number,
            "scheme": self.scheme,
            "card_status": self.card_status,
            "recipient_since": timestamp(since),
            "balance": {"initial": initial, "remaining": remaining},
            "purchases": [p.document() for p in self.purchases],
        }


def timestamp(moment: datetime) -> str:
    """ISO 8601 with its offset; UTC written ``Z``, as some of the programme's systems do."""
    text = moment.isoformat()
    return text.removesuffix("+00:00") + "Z" if moment.utcoffset() == timedelta(0) else text


class DemoToken(StrEnum):
    """The demo participants' bearer tokens."""

    ELIGIBLE_2020 = "demo-3f9a2c71e04b8d56"
    ELIGIBLE_2023 = "demo-8b12e6d04fa7c935"
    NEW_RECIPIENT = "demo-c47d0e9b2a1f6358"
    DEADLINE_PASSED = "demo-1e6b8f3a9c2d7045"
    REVOKED = "demo-9d05a7c3e8f1b246"
    DEACTIVATED = "demo-5a2e9f0c7b3d1864"
    IN_PROGRESS = "demo-e3c81b5f6a0d9427"
    NOT_RATED = "demo-72f4d9a0c5e3b168"
    ALREADY_PURCHASED = "demo-b6a3f1e8d2c09574"
    CANCELLED = "demo-0c8e5d2b7f4a1396"
    LOW_BALANCE = "demo-f1d7b3a6e9c20485"
    TWO_RULES = "demo-4e9c2a8d1b7f0563"
    BUNDLES = "demo-a8f0c6e2d4b91735"


_DESCRIPTIONS: Final[dict[DemoToken, str]] = {
    DemoToken.ELIGIBLE_2020: "SEMI_BANSOS_2020, active card, one course finished and rated: ELIGIBLE",
    DemoToken.ELIGIBLE_2023: "NORMAL_2023, active card, one course finished and rated: ELIGIBLE up to Rp3.500.000",
    DemoToken.NEW_RECIPIENT: "NORMAL_2023, card issued 3 days ago, nothing bought yet: first-purchase window open",
    DemoToken.DEADLINE_PASSED: "SEMI_BANSOS_2020 since April 2020, never bought: FIRST_PURCHASE_DEADLINE_PASSED",
    DemoToken.REVOKED: "card REVOKED: CARD_NOT_ACTIVE",
    DemoToken.DEACTIVATED: "card DEACTIVATED: CARD_NOT_ACTIVE",
    DemoToken.IN_PROGRESS: "a course IN_PROGRESS: PREVIOUS_COURSE_NOT_FINISHED",
    DemoToken.NOT_RATED: "a course COMPLETED but not rated: PREVIOUS_COURSE_NOT_FINISHED",
    DemoToken.ALREADY_PURCHASED: "bought a course also sold on another platform: ALREADY_PURCHASED on both",
    DemoToken.CANCELLED: "cancelled a course: PREVIOUSLY_CANCELLED on it, on every platform",
    DemoToken.LOW_BALANCE: "SEMI_BANSOS_2020 with under Rp200.000 left: INSUFFICIENT_BALANCE on dearer courses",
    DemoToken.TWO_RULES: "card DEACTIVATED and a course IN_PROGRESS: two participant rules fail at once",
    DemoToken.BUNDLES: "bought bundles before, at and after the 30 June 2020 cut-off: honoured true/false",
}
DEMO_PARTICIPANTS: Final[dict[str, str]] = {token.value: text for token, text in _DESCRIPTIONS.items()}
"""Every demo token with what it shows, for ``prakerja-gateway demo`` to print."""

_LABELS: Final[dict[DemoToken, str]] = {
    DemoToken.ELIGIBLE_2020: "Skema 2020, kartu aktif, kursus sebelumnya selesai: bisa membeli",
    DemoToken.ELIGIBLE_2023: "Skema 2023, kartu aktif, kursus sebelumnya selesai: bisa membeli",
    DemoToken.NEW_RECIPIENT: "Penerima baru, belum pernah membeli: batas pembelian pertama masih berlaku",
    DemoToken.DEADLINE_PASSED: "Penerima 2020 yang belum pernah membeli: batas pembelian pertama lewat",
    DemoToken.REVOKED: "Kartu dicabut",
    DemoToken.DEACTIVATED: "Kartu dinonaktifkan",
    DemoToken.IN_PROGRESS: "Masih ada kursus yang sedang berjalan",
    DemoToken.NOT_RATED: "Kursus sebelumnya selesai tetapi belum diberi rating",
    DemoToken.ALREADY_PURCHASED: "Sudah membeli kursus yang juga dijual di platform lain",
    DemoToken.CANCELLED: "Pernah membatalkan kursus",
    DemoToken.LOW_BALANCE: "Saldo tinggal di bawah Rp200.000",
    DemoToken.TWO_RULES: "Kartu dinonaktifkan dan ada kursus yang sedang berjalan",
    DemoToken.BUNDLES: "Membeli paket sebelum, pada dan sesudah 30 Juni 2020",
}
DEMO_PARTICIPANT_LABELS: Final[dict[str, str]] = {token.value: label for token, label in _LABELS.items()}
"""Every demo token with a short Indonesian label, for the demo's page to offer as participants to sign in as."""


def demo_participants(catalogue: DemoCatalogue) -> dict[str, Participant]:
    """The demo participants, their purchases drawn from ``catalogue`` (stand-ins when it lacks a kind)."""
    pick = _Picker(catalogue)
    since_2020 = datetime(2020, 4, 20, 10, 0, tzinfo=JAKARTA)
    since_2023 = datetime(2023, 2, 10, 9, 0, tzinfo=JAKARTA)
    bought_2020 = datetime(2020, 5, 2, 9, 0, tzinfo=JAKARTA)
    bought_2023 = datetime(2023, 2, 15, 14, 30, tzinfo=JAKARTA)
    shared = pick.shared()
    cancelled = pick.shared(skip=1)[0]
    cheap = pick.course(lambda r: 800_000 <= r.price <= 950_000)
    bundles = pick.bundles(5)
    bundle_times = (
        datetime(2020, 5, 15, 11, 0, tzinfo=JAKARTA),     # well before the cut-off: honoured
        datetime(2020, 6, 29, 16, 59, 59, tzinfo=UTC),    # 23:59:59 in Jakarta: honoured
        datetime(2020, 6, 30, 0, 0, tzinfo=JAKARTA),      # the cut-off itself: not honoured
        datetime(2020, 6, 29, 17, 30, tzinfo=UTC),        # 00:30 on 30 June in Jakarta: not honoured
        datetime(2020, 7, 15, 10, 0, tzinfo=JAKARTA),     # well after: not honoured
    )

    def person(n: int, **fields: Any) -> Participant:
        return Participant(participant_id=f"P-{100 + n:06d}", card_number=f"5200{731_946_200_000 + n * 7919:012d}",
                           **fields)

    finished_2020 = (Purchase.of(pick.course(), bought_2020),)
    finished_2023 = (Purchase.of(pick.course(skip=1), bought_2023),)
    return {
        DemoToken.ELIGIBLE_2020: person(1, scheme="SEMI_BANSOS_2020", recipient_since=since_2020,
                                        purchases=finished_2020),
        DemoToken.ELIGIBLE_2023: person(2, recipient_since=since_2023, purchases=finished_2023),
        DemoToken.NEW_RECIPIENT: person(3, recipient_since=timedelta(days=3)),
        DemoToken.DEADLINE_PASSED: person(4, scheme="SEMI_BANSOS_2020", recipient_since=since_2020),
        DemoToken.REVOKED: person(5, scheme="SEMI_BANSOS_2020", card_status="REVOKED", recipient_since=since_2020,
                                  purchases=finished_2020),
        DemoToken.DEACTIVATED: person(6, card_status="DEACTIVATED", recipient_since=since_2023,
                                      purchases=finished_2023),
        DemoToken.IN_PROGRESS: person(7, recipient_since=since_2023,
                                      purchases=(Purchase.of(pick.course(skip=2), bought_2023, "IN_PROGRESS",
                                                             rated=False),)),
        DemoToken.NOT_RATED: person(8, scheme="SEMI_BANSOS_2020", recipient_since=since_2020,
                                    purchases=(Purchase.of(pick.course(skip=3), bought_2020, rated=False),)),
        DemoToken.ALREADY_PURCHASED: person(9, recipient_since=since_2023,
                                            purchases=(Purchase.of(shared[0], bought_2023),)),
        DemoToken.CANCELLED: person(10, recipient_since=since_2023, purchases=(
            Purchase.of(pick.course(skip=4), bought_2023),
            Purchase.of(cancelled, bought_2023 + timedelta(days=20), "CANCELLED", rated=False),
        )),
        DemoToken.LOW_BALANCE: person(11, scheme="SEMI_BANSOS_2020", recipient_since=since_2020,
                                      purchases=(Purchase.of(cheap, bought_2020),),
                                      # Rp50.000–200.000 left after the purchase; a stand-in needs it said.
                                      remaining_balance=None if cheap.price >= 800_000 else 150_000),
        DemoToken.TWO_RULES: person(12, card_status="DEACTIVATED", recipient_since=since_2023,
                                    purchases=(Purchase.of(pick.course(skip=5), bought_2023, "IN_PROGRESS",
                                                           rated=False),)),
        DemoToken.BUNDLES: person(13, scheme="SEMI_BANSOS_2020", recipient_since=datetime(2020, 4, 11, tzinfo=JAKARTA),
                                  purchases=tuple(Purchase.of(b, t) for b, t in zip(bundles, bundle_times,
                                                                                     strict=True))),
    }


class _Picker:
    """Deterministic choices of demo purchases from a catalogue, with stand-ins for a catalogue lacking them."""

    def __init__(self, catalogue: DemoCatalogue) -> None:
        self.catalogue = catalogue
        # Courses that pass every course-level rule under both schemes, so only participant rules show.
        self.clean = [r for r in catalogue.on_sale() if r.provider_nib and r.syllabus and r.has_final_assessment
                      and r.price <= BALANCES["SEMI_BANSOS_2020"]]
        clean = {r.id for r in self.clean}
        self.groups = [g for g in catalogue.shared_courses() if all(r.id in clean for r in g)]
        # Ordinary purchases stay off courses sold elsewhere, so only the participants meant to show
        # ALREADY_PURCHASED / PREVIOUSLY_CANCELLED across platforms do.
        elsewhere = {r.id for g in catalogue.shared_courses() for r in g}
        self.single = [r for r in self.clean if r.id not in elsewhere]

    def course(self, keep: Callable[[CourseRecord], bool] = lambda r: True, *, skip: int = 0) -> CourseRecord:
        matches = [r for r in self.single if keep(r)]
        return matches[skip % len(matches)] if matches else _STAND_IN

    def shared(self, *, skip: int = 0) -> Sequence[CourseRecord]:
        """The listings of a course on sale on several platforms, every listing passing the course rules."""
        return self.groups[skip % len(self.groups)] if self.groups else (self.course(skip=skip),)

    def bundles(self, count: int) -> Sequence[CourseRecord]:
        found = sorted(self.catalogue.bundles(), key=lambda r: (r.price, r.id))[:count]
        return [*found, *[_STAND_IN_BUNDLE] * (count - len(found))]


_STAND_IN = CourseRecord(
    platform="tokopedia", listing_id="8800001", slug="kursus-contoh", title="Kursus Contoh",
    provider_name="LKP Contoh", provider_nib="9120000000001", price=100_000, category="Lainnya",
    platform_category="Lainnya", method="SELF_PACED", duration_hours=2.0, rating=None, syllabus=("Pengenalan",),
    has_final_assessment=True, url="https://www.tokopedia.com/prakerja/kursus-contoh", description=None,
)
_STAND_IN_BUNDLE = CourseRecord(
    platform="tokopedia", listing_id="8800002", slug="paket-contoh", title="Paket Contoh",
    provider_name="LKP Contoh", provider_nib="9120000000001", price=150_000, category="Lainnya",
    platform_category="Lainnya", method="SELF_PACED", duration_hours=4.0, rating=None, syllabus=("Kursus Contoh",),
    has_final_assessment=True, url="https://www.tokopedia.com/prakerja/paket-contoh", description=None,
    is_bundle=True, components=("8800001",),
)


class ParticipantService:
    """Answers ``/v1/participants/me`` for the demo participants and any a test adds."""

    def __init__(self, catalogue: DemoCatalogue, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._demo = demo_participants(catalogue)
        self._added: dict[str, Participant] = {}
        self.clock = clock

    def use_catalogue(self, catalogue: DemoCatalogue) -> None:
        """Redraw the demo participants' purchases from a new catalogue (participants added by tests stay)."""
        self._demo = demo_participants(catalogue)

    def add(self, token: str, participant: Participant) -> None:
        """Serve ``participant`` for ``token`` (replacing a demo participant with the same token)."""
        self._added[token] = participant

    def remove(self, token: str) -> None:
        self._added.pop(token, None)

    def reset(self) -> None:
        """Forget every participant added at run time; the demo participants stay."""
        self._added.clear()

    def get(self, token: str) -> Participant | None:
        return self._added.get(token) or self._demo.get(token)

    def routes(self) -> Iterable[web.RouteDef]:
        return [web.get("/v1/participants/me", self.me)]

    async def me(self, request: web.Request) -> web.Response:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        participant = self.get(token.strip()) if scheme.lower() == "bearer" else None
        if participant is None:
            return json_response({"error": "invalid_token"}, status=401,
                                 headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
        return json_response(participant.document(self.clock()))
