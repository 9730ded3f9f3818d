"""The participant service's answer, checked field by field: what is accepted, and what makes it malformed."""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from core.domain import CardStatus, Participant, PurchaseStatus, Scheme
from gateway.participant_json import MalformedParticipant, parse_participant

# The example of platforms.md §10.
ANSWER: dict[str, Any] = {
    "participant_id": "P-000123",
    "card_number": "5200123412341234",
    "scheme": "SEMI_BANSOS_2020",
    "card_status": "ACTIVE",
    "recipient_since": "2020-04-20T10:00:00+07:00",
    "balance": {"initial": 1000000, "remaining": 650000},
    "purchases": [{"platform": "tokopedia", "listing_id": "8811201", "title": "Membangun Bisnis Konveksi",
                   "provider": {"name": "Bebas Jam Kerja", "nib": "9120001234567"},
                   "purchased_at": "2020-05-02T09:00:00+07:00", "price": 350000,
                   "status": "COMPLETED", "rated": True, "is_bundle": False}],
}


def changed(path: str, value: Any) -> dict[str, Any]:
    """The example with the value at ``path`` (dots; a number indexes a list) replaced, or removed for ``...``."""
    answer = deepcopy(ANSWER)
    *parents, last = path.split(".")
    node: Any = answer
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    if value is ...:
        del node[last]
    else:
        node[last] = value
    return answer


def test_the_spec_example_is_a_participant() -> None:
    participant = parse_participant(ANSWER)
    assert (participant.scheme, participant.card_status) == (Scheme.SEMI_BANSOS_2020, CardStatus.ACTIVE)
    assert participant.recipient_since == datetime(2020, 4, 20, 10, tzinfo=timezone(timedelta(hours=7)))
    assert (participant.initial_balance, participant.remaining_balance) == (1_000_000, 650_000)
    [purchase] = participant.purchases
    assert purchase.course_id == "tokopedia:8811201" and purchase.status is PurchaseStatus.COMPLETED
    assert purchase.provider.nib == "9120001234567" and purchase.rated and not purchase.is_bundle


@pytest.mark.parametrize(
    ("path", "value", "read", "expected"),
    [
        ("card_number", "5200 1234 1234 1234", lambda p: p.card_number, "5200123412341234"),
        ("purchases.0.listing_id", 8811201, lambda p: p.purchases[0].listing_id, "8811201"),  # ids as numbers
        ("purchases.0.provider.nib", None, lambda p: p.purchases[0].provider.nib, None),
        ("purchases.0.provider.nib", ..., lambda p: p.purchases[0].provider.nib, None),
        ("purchases.0.rated", ..., lambda p: p.purchases[0].rated, False),  # left out: no
        ("purchases.0.purchased_at", "2020-06-29T17:30:00Z", lambda p: p.purchases[0].purchased_at,
         datetime(2020, 6, 29, 17, 30, tzinfo=UTC)),
    ],
)
def test_tolerated_variations(path: str, value: Any, read: Callable[[Participant], Any], expected: Any) -> None:
    assert read(parse_participant(changed(path, value))) == expected


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("scheme", "GOLD_2024"),
        ("card_status", "active"),
        ("card_number", "1234-56"),
        ("card_number", "52001234123412AB"),
        ("recipient_since", "2020-04-20T10:00:00"),  # no offset
        ("recipient_since", "20 April 2020"),
        ("balance.remaining", -1),
        ("balance.remaining", 650000.5),
        ("balance.initial", True),
        ("balance", ...),
        ("purchases", {}),
        ("purchases.0.price", "350000"),
        ("purchases.0.status", "REFUNDED"),
        ("purchases.0.is_bundle", "no"),
        ("purchases.0.title", ""),
        ("purchases.0.provider", "Bebas Jam Kerja"),
    ],
)
def test_a_field_that_does_not_fit_makes_the_answer_malformed_and_is_named(
    path: str, value: Any
) -> None:
    with pytest.raises(MalformedParticipant) as raised:
        parse_participant(changed(path, value))
    assert path.split(".")[-1] in str(raised.value)


def test_a_malformed_card_number_is_not_quoted() -> None:
    with pytest.raises(MalformedParticipant) as raised:
        parse_participant(changed("card_number", "5200-1234-1234-123X"))
    assert "1234" not in str(raised.value)


@pytest.mark.parametrize("document", [None, [], "participant", 42])
def test_an_answer_that_is_not_an_object_is_malformed(document: Any) -> None:
    with pytest.raises(MalformedParticipant):
        parse_participant(document)
