"""The participant service's answer (platforms.md §10), checked field by field into a :class:`Participant`.

Anything that does not fit is :class:`MalformedParticipant`, whose message names the field, never its value:
the message is logged, and a value could be a card number or a course someone bought.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import TypeVar

from core.domain import CardStatus, Participant, Provider, Purchase, PurchaseStatus, Scheme

_E = TypeVar("_E", bound=StrEnum)


class MalformedParticipant(ValueError):
    """The answer is not a participant; the message is a field path, safe to log."""


class _Object:
    """One JSON object of the answer, read with the path of each field kept for the error message."""

    def __init__(self, value: object, path: str) -> None:
        if not isinstance(value, Mapping):
            raise MalformedParticipant(f"{path or 'the answer'} is not an object")
        self._fields: Mapping[str, object] = value
        self._path = path

    def where(self, name: str) -> str:
        return f"{self._path}.{name}" if self._path else name

    def raw(self, name: str) -> object:
        if name not in self._fields:
            raise MalformedParticipant(f"{self.where(name)} is missing")
        return self._fields[name]

    def text(self, name: str) -> str:
        value = self.raw(name)
        if not isinstance(value, str) or not value.strip():
            raise MalformedParticipant(f"{self.where(name)} is not a non-empty string")
        return value

    def optional_text(self, name: str) -> str | None:
        value = self._fields.get(name)
        if value is None:
            return None
        if not isinstance(value, str):
            raise MalformedParticipant(f"{self.where(name)} is not a string")
        return value.strip() or None

    def identifier(self, name: str) -> str:
        """An id some services send as a number: either way it is text here."""
        value = self.raw(name)
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return self.text(name)

    def rupiah(self, name: str) -> int:
        value = self.raw(name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise MalformedParticipant(f"{self.where(name)} is not a whole, non-negative number of rupiah")
        return value

    def flag(self, name: str) -> bool:
        """A yes/no the service may leave out when it is no."""
        value = self._fields.get(name, False)
        if not isinstance(value, bool):
            raise MalformedParticipant(f"{self.where(name)} is not true or false")
        return value

    def choice(self, name: str, enum: type[_E]) -> _E:
        value = self.raw(name)
        if not isinstance(value, str) or value not in enum.__members__:
            raise MalformedParticipant(f"{self.where(name)} is not one of {', '.join(enum.__members__)}")
        return enum(value)

    def moment(self, name: str) -> datetime:
        """A date-time with its offset: without one, which day it falls on in Jakarta is unknown."""
        value = self.raw(name)
        try:
            moment = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            moment = None
        if moment is None or moment.utcoffset() is None:
            raise MalformedParticipant(f"{self.where(name)} is not an ISO 8601 date-time with an offset")
        return moment

    def child(self, name: str) -> _Object:
        return _Object(self.raw(name), self.where(name))

    def children(self, name: str) -> list[_Object]:
        value = self.raw(name)
        if not isinstance(value, list):
            raise MalformedParticipant(f"{self.where(name)} is not a list")
        return [_Object(item, f"{self.where(name)}[{i}]") for i, item in enumerate(value)]


def parse_participant(document: object) -> Participant:
    """The participant in a decoded answer of ``GET /v1/participants/me``; else :class:`MalformedParticipant`."""
    answer = _Object(document, "")
    balance = answer.child("balance")
    return Participant(
        participant_id=answer.identifier("participant_id"),
        card_number=_card_number(answer),
        scheme=answer.choice("scheme", Scheme),
        card_status=answer.choice("card_status", CardStatus),
        recipient_since=answer.moment("recipient_since"),
        initial_balance=balance.rupiah("initial"),
        remaining_balance=balance.rupiah("remaining"),
        purchases=tuple(_purchase(item) for item in answer.children("purchases")),
    )


def _card_number(answer: _Object) -> str:
    # Printed cards group the digits; only the digits matter. 12–19 of them, as payment card numbers have.
    digits = "".join(answer.text("card_number").replace("-", " ").split())
    if not (digits.isascii() and digits.isdigit() and 12 <= len(digits) <= 19):
        raise MalformedParticipant("card_number is not a card number")
    return digits


def _purchase(item: _Object) -> Purchase:
    provider = item.child("provider")
    return Purchase(
        platform=item.text("platform").strip(),
        listing_id=item.identifier("listing_id").strip(),
        title=item.text("title"),
        provider=Provider(name=provider.text("name"), nib=provider.optional_text("nib")),
        purchased_at=item.moment("purchased_at"),
        price=item.rupiah("price"),
        status=item.choice("status", PurchaseStatus),
        rated=item.flag("rated"),
        is_bundle=item.flag("is_bundle"),
    )
