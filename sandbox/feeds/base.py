"""What every simulated platform feed has in common: its catalogue, its api key header, and value formatting."""

from __future__ import annotations

import zlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, TypeVar

from aiohttp import web

from ..catalogue import CourseRecord, DemoCatalogue

T = TypeVar("T")


class Feed(ABC):
    """One platform's catalogue API, rendering the current :class:`DemoCatalogue` in that platform's shape."""

    slug: ClassVar[str]
    key_header: ClassVar[str] = "X-Api-Key"
    """Where the platform expects its api key (only checked when the sandbox configures one for it)."""
    key_scheme: ClassVar[str] = ""
    """Written before the key, e.g. ``"Bearer"``."""
    in_band_errors: ClassVar[bool] = False
    """The platform can fail a page inside a 200 answer (see :meth:`spoil`)."""

    def __init__(self, catalogue: DemoCatalogue) -> None:
        self._catalogue = catalogue
        self._derived: dict[str, Any] = {}
        self.published_at = datetime.now(UTC)

    @property
    def catalogue(self) -> DemoCatalogue:
        return self._catalogue

    @catalogue.setter
    def catalogue(self, catalogue: DemoCatalogue) -> None:
        self._catalogue = catalogue
        self._derived = {}
        # Strictly later, so If-Modified-Since never matches a catalogue swapped in within the same second.
        self.published_at = max(datetime.now(UTC), self.published_at + timedelta(seconds=1))

    @property
    def records(self) -> tuple[CourseRecord, ...]:
        return self._catalogue.by_platform[self.slug]

    def derived(self, name: str, build: Callable[[], T]) -> T:
        """A value computed from the current catalogue once (a whole document, an index), dropped on a swap."""
        if name not in self._derived:
            self._derived[name] = build()
        value: T = self._derived[name]
        return value

    @abstractmethod
    def routes(self) -> Iterable[web.RouteDef]:
        """The platform's endpoints."""

    @abstractmethod
    def item(self, record: CourseRecord) -> Any:
        """One listing in the platform's own shape."""

    def spoil(self, body: Any) -> Any | None:
        """The platform's own in-band error on an otherwise good answer, or ``None`` when it has none."""
        return None


# -- formatting shared by the feeds -----------------------------------------------------------------

def variant(record: CourseRecord, choices: int) -> int:
    """A cosmetic choice (spacing, units, optional fields) that is random-looking but stable per listing."""
    return zlib.crc32(record.id.encode()) % choices


def dotted(amount: int) -> str:
    """Indonesian thousands: 1500000 → ``"1.500.000"``."""
    return f"{amount:,}".replace(",", ".")


def garbled(price_text: str, record: CourseRecord) -> str:
    """A price a partner's back office mangled: zeros typed as the letter O, or no amount at all."""
    if "0" in price_text and variant(record, 3):
        return price_text.replace("0", "O")
    return "hubungi kami"


def rating_or_none(record: CourseRecord) -> tuple[float, int] | tuple[None, int]:
    return (record.rating.average, record.rating.count) if record.rating else (None, 0)


def number(value: float) -> float | int:
    """A JSON number as a partner would write it: ``10`` rather than ``10.0`` for whole values."""
    return int(value) if float(value).is_integer() else value


def number_price(record: CourseRecord) -> int | str:
    """The price of a feed that sends it as a number; a mangled one (``bad_price``) comes as text: a wrong type."""
    return garbled(str(record.price), record) if record.bad_price else record.price
