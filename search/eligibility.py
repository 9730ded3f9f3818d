"""May the caller buy this course with a Prakerja card now, and if not, why (rules.md §3).

Rules are checked in the order of rules.md and every failing one is reported. Course-level rules (1–5)
apply to everyone; participant-level rules (6–11) only to a signed-in participant.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import numpy as np

from core.domain import SCHEMES, CardStatus, Listing, Participant, Provider, Purchase, PurchaseStatus, Scheme
from core.identity import same_provider, title_key
from search.index import Mask, SearchIndex


class EligibilityCode(StrEnum):
    PLATFORM_SUSPENDED = "PLATFORM_SUSPENDED"
    PROVIDER_NOT_REGISTERED = "PROVIDER_NOT_REGISTERED"
    MISSING_SYLLABUS = "MISSING_SYLLABUS"
    MISSING_FINAL_ASSESSMENT = "MISSING_FINAL_ASSESSMENT"
    PRICE_ABOVE_SCHEME_LIMIT = "PRICE_ABOVE_SCHEME_LIMIT"
    CARD_NOT_ACTIVE = "CARD_NOT_ACTIVE"
    FIRST_PURCHASE_DEADLINE_PASSED = "FIRST_PURCHASE_DEADLINE_PASSED"
    PREVIOUS_COURSE_NOT_FINISHED = "PREVIOUS_COURSE_NOT_FINISHED"
    ALREADY_PURCHASED = "ALREADY_PURCHASED"
    PREVIOUSLY_CANCELLED = "PREVIOUSLY_CANCELLED"
    INSUFFICIENT_BALANCE = "INSUFFICIENT_BALANCE"


class EligibilityStatus(StrEnum):
    ELIGIBLE = "ELIGIBLE"
    INELIGIBLE = "INELIGIBLE"
    SIGN_IN_REQUIRED = "SIGN_IN_REQUIRED"


# One word for a course throughout: "pelatihan", the programme's own term.
MESSAGES: dict[EligibilityCode, str] = {
    EligibilityCode.PLATFORM_SUSPENDED:
        "Kemitraan platform ini sedang ditangguhkan, jadi pelatihannya tidak dapat dibeli dengan Kartu Prakerja.",
    EligibilityCode.PROVIDER_NOT_REGISTERED:
        "Data platform tidak mencantumkan NIB (Nomor Induk Berusaha) lembaga pelatihan ini.",
    EligibilityCode.MISSING_SYLLABUS: "Pelatihan ini tidak mencantumkan silabus.",
    EligibilityCode.MISSING_FINAL_ASSESSMENT: "Pelatihan ini tidak memiliki tes akhir atau uji keterampilan.",
    EligibilityCode.PRICE_ABOVE_SCHEME_LIMIT:
        "Harga pelatihan ini melebihi saldo pelatihan yang diberikan skema Kartu Prakerja.",
    EligibilityCode.CARD_NOT_ACTIVE: "Kartu Prakerja Anda tidak aktif (dicabut atau dinonaktifkan).",
    EligibilityCode.FIRST_PURCHASE_DEADLINE_PASSED: "Batas waktu pembelian pelatihan pertama Anda sudah lewat.",
    EligibilityCode.PREVIOUS_COURSE_NOT_FINISHED:
        "Selesaikan dan beri ulasan pelatihan sebelumnya sebelum membeli pelatihan berikutnya.",
    EligibilityCode.ALREADY_PURCHASED: "Anda sudah membeli pelatihan ini, di platform ini atau di platform lain.",
    EligibilityCode.PREVIOUSLY_CANCELLED: "Pelatihan ini pernah Anda batalkan dan tidak dapat dibeli lagi.",
    EligibilityCode.INSUFFICIENT_BALANCE:
        "Sisa saldo pelatihan Anda tidak cukup untuk pelatihan ini; selisihnya tidak dapat dibayar sendiri.",
}


@dataclass(frozen=True, slots=True)
class Eligibility:
    status: EligibilityStatus
    reasons: tuple[EligibilityCode, ...]


class EligibilityRules:
    """The rules for one request: one caller (or nobody), one snapshot, one moment."""

    def __init__(
        self, *, suspended: frozenset[str], default_scheme: Scheme, viewer: Participant | None, now: datetime
    ) -> None:
        self._suspended = suspended
        self._viewer = viewer
        self._limit = SCHEMES[viewer.scheme if viewer else default_scheme].balance
        self._blocked_all = () if viewer is None else _blocking_everything(viewer, now)
        purchases = () if viewer is None else viewer.purchases
        self._active_purchases = _Bought(p for p in purchases if p.status is not PurchaseStatus.CANCELLED)
        self._cancelled = _Bought(p for p in purchases if p.status is PurchaseStatus.CANCELLED)

    def of(self, listing: Listing) -> Eligibility:
        reasons = [*self._course_reasons(listing), *self._participant_reasons(listing)]
        if reasons:
            return Eligibility(EligibilityStatus.INELIGIBLE, tuple(reasons))
        status = EligibilityStatus.ELIGIBLE if self._viewer else EligibilityStatus.SIGN_IN_REQUIRED
        return Eligibility(status, ())

    def _course_reasons(self, listing: Listing) -> list[EligibilityCode]:
        checks = (
            (listing.platform in self._suspended, EligibilityCode.PLATFORM_SUSPENDED),
            (not listing.provider.nib, EligibilityCode.PROVIDER_NOT_REGISTERED),
            (not listing.syllabus, EligibilityCode.MISSING_SYLLABUS),
            (not listing.has_final_assessment, EligibilityCode.MISSING_FINAL_ASSESSMENT),
            (listing.price > self._limit, EligibilityCode.PRICE_ABOVE_SCHEME_LIMIT),
        )
        return [code for failed, code in checks if failed]

    def _participant_reasons(self, listing: Listing) -> list[EligibilityCode]:
        viewer = self._viewer
        if viewer is None:
            return []
        checks = (
            (self._active_purchases.holds(listing), EligibilityCode.ALREADY_PURCHASED),
            (self._cancelled.holds(listing), EligibilityCode.PREVIOUSLY_CANCELLED),
            (listing.price > viewer.remaining_balance, EligibilityCode.INSUFFICIENT_BALANCE),
        )
        return [*self._blocked_all, *(code for failed, code in checks if failed)]

    def eligible_mask(self, index: SearchIndex) -> Mask:
        """Which courses of ``index`` are ELIGIBLE for this caller: the same rules as :meth:`of`, over arrays."""
        if self._viewer is None or self._blocked_all:
            return np.zeros(index.size, dtype=np.bool_)
        suspended = np.isin(index.platform, [index.platforms.index(s) for s in self._suspended if s in
                                             index.platforms])
        blocked = suspended | (index.price > min(self._limit, self._viewer.remaining_balance))
        blocked |= index.no_nib | index.no_syllabus | index.no_final_assessment
        for bought in (self._active_purchases, self._cancelled):
            blocked[bought.docs(index)] = True
        return ~blocked


def _blocking_everything(viewer: Participant, now: datetime) -> tuple[EligibilityCode, ...]:
    """Rules 6–8: they fail for every course at once."""
    deadline = viewer.first_purchase_deadline
    checks = (
        (viewer.card_status is not CardStatus.ACTIVE, EligibilityCode.CARD_NOT_ACTIVE),
        (deadline is not None and now > deadline, EligibilityCode.FIRST_PURCHASE_DEADLINE_PASSED),
        (
            any(p.status is PurchaseStatus.IN_PROGRESS or (p.status is PurchaseStatus.COMPLETED and not p.rated)
                for p in viewer.purchases),
            EligibilityCode.PREVIOUS_COURSE_NOT_FINISHED,
        ),
    )
    return tuple(code for failed, code in checks if failed)


class _Bought:
    """Courses bought (rules 9–10): matched by course id, or by course identity on any platform (rules.md §5)."""

    def __init__(self, purchases: Iterable[Purchase]) -> None:
        self._purchases = tuple(purchases)
        self._ids = frozenset(p.course_id for p in self._purchases)
        # Titles folded once here, not once per course shown.
        self._by_title: dict[str, list[Provider]] = {}
        for p in self._purchases:
            if key := title_key(p.title):  # a title of punctuation alone names no course (rules.md §5)
                self._by_title.setdefault(key, []).append(p.provider)

    def holds(self, listing: Listing) -> bool:
        if listing.id in self._ids:
            return True
        if not self._by_title:
            return False  # nothing bought (or cancelled): no title to fold, once per course shown
        providers = self._by_title.get(title_key(listing.title), ())
        return any(same_provider(provider, listing.provider) for provider in providers)

    def docs(self, index: SearchIndex) -> list[int]:
        """The documents of ``index`` that :meth:`holds`: the same matching, through the index's lookups."""
        found = [doc for p in self._purchases if (doc := index.doc_of(p.course_id)) is not None]
        for p in self._purchases:
            found.extend(index.same_course(p.title, p.provider))
        return found
