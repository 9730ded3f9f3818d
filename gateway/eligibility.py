"""May the caller buy this course with a Prakerja card now, and if not, why (rules.md §3).

Rules are checked in the order of rules.md and every failing one is reported. Course-level rules (1–5)
apply to everyone; participant-level rules (6–11) only to a signed-in participant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import numpy as np

from gateway.identity import same_course
from gateway.search import Mask, SearchIndex
from gateway.types import SCHEMES, CardStatus, Listing, Participant, Purchase, PurchaseStatus, Scheme


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


MESSAGES: dict[EligibilityCode, str] = {
    EligibilityCode.PLATFORM_SUSPENDED:
        "Kemitraan platform ini sedang ditangguhkan, jadi kelasnya tidak dapat dibeli dengan Kartu Prakerja.",
    EligibilityCode.PROVIDER_NOT_REGISTERED:
        "Lembaga pelatihan kelas ini belum memiliki NIB (Nomor Induk Berusaha) yang terdaftar.",
    EligibilityCode.MISSING_SYLLABUS: "Kelas ini belum mencantumkan silabus.",
    EligibilityCode.MISSING_FINAL_ASSESSMENT: "Kelas ini tidak memiliki tes akhir atau uji keterampilan.",
    EligibilityCode.PRICE_ABOVE_SCHEME_LIMIT: "Harga kelas ini melebihi saldo pelatihan skema Kartu Prakerja.",
    EligibilityCode.CARD_NOT_ACTIVE: "Kartu Prakerja Anda tidak aktif (dicabut atau dinonaktifkan).",
    EligibilityCode.FIRST_PURCHASE_DEADLINE_PASSED: "Batas waktu pembelian pelatihan pertama Anda sudah lewat.",
    EligibilityCode.PREVIOUS_COURSE_NOT_FINISHED:
        "Selesaikan dan beri ulasan pelatihan sebelumnya sebelum membeli pelatihan berikutnya.",
    EligibilityCode.ALREADY_PURCHASED: "Anda sudah membeli pelatihan ini.",
    EligibilityCode.PREVIOUSLY_CANCELLED: "Pelatihan ini pernah Anda batalkan dan tidak dapat dibeli lagi.",
    EligibilityCode.INSUFFICIENT_BALANCE: "Sisa saldo pelatihan Anda tidak cukup untuk membeli kelas ini.",
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
        self._active_purchases = () if viewer is None else tuple(
            p for p in viewer.purchases if p.status is not PurchaseStatus.CANCELLED
        )
        self._cancelled = () if viewer is None else tuple(
            p for p in viewer.purchases if p.status is PurchaseStatus.CANCELLED
        )

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
            (_bought(listing, self._active_purchases), EligibilityCode.ALREADY_PURCHASED),
            (_bought(listing, self._cancelled), EligibilityCode.PREVIOUSLY_CANCELLED),
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
        for purchase in (*self._active_purchases, *self._cancelled):
            blocked[_purchase_docs(index, purchase)] = True
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


def _bought(listing: Listing, purchases: tuple[Purchase, ...]) -> bool:
    return any(
        (p.platform == listing.platform and p.listing_id == listing.listing_id)
        or same_course(p.title, p.provider, listing.title, listing.provider)
        for p in purchases
    )


def _purchase_docs(index: SearchIndex, purchase: Purchase) -> list[int]:
    docs = index.same_course(purchase.title, purchase.provider)
    own = index.by_id.get(purchase.course_id)
    return docs if own is None else [own, *docs]
