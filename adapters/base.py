"""The one base every platform adapter stands on: HTTP with retries, paging, skip counting, value parsing.

An adapter says how to walk its feed (:meth:`Adapter.pages`) and how to read one listing
(:meth:`Adapter.parse`); everything two adapters would otherwise both write lives here.
"""

from __future__ import annotations

import asyncio
import random
import re
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, ClassVar, TypeVar
from urllib.parse import urlsplit

import aiohttp
import orjson

from core.config import PlatformConfig
from core.domain import OFFICIAL_CATEGORIES, OTHER_CATEGORY, FeedResult, LearningMethod, Listing, Provider, Rating
from core.feed_report import FeedReport
from core.text import html_to_text
from core.upstream import read_capped
from core.worker import in_worker

from .tally import FeedTally

MAX_BODY_BYTES = 256 * 1024 * 1024  # a whole-catalogue export is large; anything beyond this is garbage
MAX_PAGES = 10_000
MAX_ATTEMPTS = 4
RETRY_BACKOFF_S = 0.5
"""The wait before the first retry of a failed read of the feed, doubling after; jittered down to half of it."""

Cursor = TypeVar("Cursor", bound=Hashable)


class FeedError(Exception):
    """One refresh of one platform failed. The message is fit for ``Platform.lastError``: no secrets.

    Raised out of :meth:`Adapter.fetch`, it carries the :class:`FeedReport` of the reading that failed.
    """

    report: FeedReport | None = None


class TransientFeedError(FeedError):
    """A failure that may well not happen again a second later: a timeout, a dropped connection, a 5xx, a cut-off
    body. Anything else (a 4xx, a body of the wrong shape, an in-band error) would fail the same way again."""


class ListingError(ValueError):
    """One listing cannot be used: it is skipped and counted, the feed goes on."""


class _NotModified(Exception):
    """The upstream answered 304: the feed is unchanged since the last successful refresh."""


@dataclass(frozen=True, slots=True)
class Response:
    body: bytes
    headers: Mapping[str, str]
    source: str = "the platform"
    """Where the body came from, for error messages: a path without host or query, so never a secret."""

    def json(self) -> Any:
        try:
            return orjson.loads(self.body)
        except orjson.JSONDecodeError:
            raise FeedError(f"the response from {self.source} is not valid JSON") from None


class Adapter(ABC):
    """Reads one platform's feed over HTTP and normalises it into :class:`Listing` values."""

    default_name: ClassVar[str] = ""
    """The display name when the configuration gives none; the slug when this is empty too (the standard feed)."""
    api_key_header: ClassVar[str] = "X-Api-Key"
    api_key_scheme: ClassVar[str] = ""
    """Put before the key in its header, e.g. ``"Bearer"``."""
    categories: ClassVar[Mapping[str, str]] = {}
    """The platform's own category labels (any case) mapped to official ones; official names always map."""
    conditional: ClassVar[bool] = False
    """The feed honours ``If-None-Match`` / ``If-Modified-Since``: a 304 keeps the previous result."""
    id_field: ClassVar[str] = "id"
    """Where a raw listing (a JSON object) holds its own id: it names a listing that cannot be used."""

    def __init__(self, platform: PlatformConfig, session: aiohttp.ClientSession) -> None:
        self.platform = platform
        self.slug = platform.slug
        self.name = self.display_name(platform)
        self._session = session
        self._timeout = aiohttp.ClientTimeout(total=platform.timeout_s)
        self._deadline = 0.0
        self._validators: dict[str, str] = {}
        self._pending_validators: dict[str, str] = {}
        self._last_result: FeedResult | None = None
        self._tally = FeedTally(platform.adapter_name)
        self._retried: list[str] = []
        self._category_table = {**_OFFICIAL_TABLE, **{_label_key(k): v for k, v in self.categories.items()}}
        self._origin = _origin(platform.base_url)

    @classmethod
    def display_name(cls, platform: PlatformConfig) -> str:
        """The configured name, else this adapter's own, else the slug."""
        return platform.name or cls.default_name or platform.slug

    # -- what each platform writes ------------------------------------------------------------------

    @abstractmethod
    def pages(self) -> AsyncIterator[Sequence[Any]]:
        """Yield the raw listings of each page, in order, until the feed says there is no more."""

    @abstractmethod
    def parse(self, raw: Any) -> Listing | None:
        """One raw listing as a :class:`Listing`; ``None`` when it is inactive. Raises on a bad listing."""

    def raw_id(self, raw: Any) -> Any:
        """The id a raw listing gives itself, however it is written; ``None`` when it has none."""
        return raw.get(self.id_field) if isinstance(raw, dict) else None

    async def walk(
        self, first: Cursor, read_page: Callable[[Cursor], Awaitable[tuple[Any, Cursor | None]]]
    ) -> AsyncIterator[Sequence[Any]]:
        """Page through a feed for :meth:`pages`, from cursor ``first`` (a page number, offset, token or URL).

        ``read_page(cursor)`` fetches one page and returns its raw listings and the next cursor, ``None`` at the end.
        It may index the decoded body freely: a ``KeyError``/``TypeError``/``ValueError``/``IndexError`` there means
        the page's overall shape is wrong and fails the refresh. So does a next cursor already followed, which
        would otherwise loop until the budget runs out (an offset that does not advance, a token that repeats).
        """
        seen: set[Cursor] = {first}
        cursor = first
        while True:
            try:
                items, following = await read_page(cursor)
            except (KeyError, TypeError, ValueError, IndexError, AttributeError):
                raise FeedError("the page does not have the expected shape") from None
            # Refused before its listings count: a page that leads back is most likely an earlier page again.
            if following is not None and following in seen:
                raise FeedError("its next-page cursor leads back to a page already read")
            yield items
            if following is None:
                return
            seen.add(following)
            cursor = following

    # -- the refresh --------------------------------------------------------------------------------

    async def fetch(self, budget_s: float, *, retries: int = 0) -> FeedResult:
        """Read the whole feed within ``budget_s`` seconds. Raises :class:`FeedError` when the refresh fails.

        A read that fails transiently is started again from the top, up to ``retries`` times, after a short
        jittered backoff, as long as the backoff fits in what is left of the budget. An unchanged feed (304) gives
        the previous result again, its report included.
        """
        loop = asyncio.get_running_loop()
        self._deadline = loop.time() + budget_s
        self._retried = []
        try:
            async with asyncio.timeout(budget_s):
                result = await self._read_with_retries(retries)
        except _NotModified:
            if self._last_result is None:
                raise self._reported(FeedError("the feed answered 304 Not Modified to an unconditional request")
                                     ) from None
            return self._last_result
        except TimeoutError:
            raise self._reported(FeedError(f"the refresh did not finish within {budget_s:g} s")) from None
        except FeedError as exc:
            raise self._reported(exc) from None
        self._validators = self._pending_validators
        self._last_result = result
        return result

    def _reported(self, error: FeedError) -> FeedError:
        error.report = self._tally.report(str(error), tuple(self._retried))
        return error

    async def _read_with_retries(self, retries: int) -> FeedResult:
        for attempt in range(retries):
            try:
                return await self._read_all()
            except TransientFeedError as exc:
                # Jittered so that a retry does not meet the same periodic hiccup of the upstream twice.
                delay = RETRY_BACKOFF_S * 2**attempt * random.uniform(0.5, 1.0)
                if delay >= self._deadline - asyncio.get_running_loop().time():
                    raise
                self._retried.append(str(exc))
            await asyncio.sleep(delay)
        return await self._read_all()

    async def _read_all(self) -> FeedResult:
        self._pending_validators = {}  # only a read that succeeds whole may leave its validators behind
        tally = self._tally = FeedTally(self.platform.adapter_name)
        listings: list[Listing] = []
        pages = aiter(self.pages())
        while True:
            try:
                items = await anext(pages, None)
            except FeedError as exc:
                # The same kind of error, so that a transient one is still retried; named after its page.
                raise type(exc)(f"page {tally.pages + 1}: {exc}") from None
            if items is None:
                return FeedResult(tuple(listings), tally.report(retried=tuple(self._retried)))
            if tally.pages >= MAX_PAGES:
                raise FeedError(f"the feed did not end after {MAX_PAGES} pages")
            tally.page()
            if not isinstance(items, Sequence) or isinstance(items, str | bytes):
                raise FeedError(f"page {tally.pages}: the page does not hold a list of listings")
            # In a worker thread: a page of a whole-catalogue feed takes long enough to hold up the other feeds' reads.
            listings.extend(await in_worker(self._parse_page, items, tally))

    def _parse_page(self, items: Sequence[Any], tally: FeedTally) -> list[Listing]:
        """The listings of a page that read, bundles included, each raw listing counted in ``tally``."""
        listings: list[Listing] = []
        for raw in items:
            try:
                listing = self.parse(raw)
            except (ListingError, KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
                tally.unusable(_text_id(self.raw_id(raw)), _reason(exc))
                continue
            if listing is None:
                tally.inactive()
            else:
                tally.listing(listing)
                listings.append(listing)
        return listings

    # -- HTTP ---------------------------------------------------------------------------------------

    def url(self, path: str) -> str:
        """An absolute URL for a path of the feed, or the URL itself when the feed gave an absolute one."""
        return path if path.startswith(("http://", "https://")) else self.platform.base_url + path

    async def get(self, path: str, params: Mapping[str, str] | None = None) -> Response:
        return await self.request("GET", path, params=params)

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
    ) -> Response:
        """One request, retried after ``Retry-After`` on 429 and 503 while the refresh budget allows."""
        url = self.url(path)
        source = _path_of(path)
        headers = self._headers(url)
        body = orjson.dumps(json) if json is not None else None
        if body is not None:
            headers["Content-Type"] = "application/json"
        loop = asyncio.get_running_loop()
        for attempt in range(1, MAX_ATTEMPTS + 1):
            started = loop.time()
            try:
                async with self._session.request(
                    method, url, params=params, data=body, headers=headers,
                    timeout=self._timeout, allow_redirects=False,
                ) as response:
                    if response.status == 304 and self.conditional and self._validators:
                        raise _NotModified
                    if response.status in (429, 503) and attempt < MAX_ATTEMPTS:
                        # Waited out after the response is released, so the wait holds no connection.
                        delay = _retry_after_s(response.headers.get("Retry-After"))
                        status = response.status
                    else:
                        if response.status != 200:
                            # A 429 or 503 that got this far was already retried at the pace the platform asked for.
                            retry = response.status >= 500 and response.status != 503
                            raise (TransientFeedError if retry else FeedError)(f"HTTP {response.status} from {source}")
                        payload = await read_capped(response, MAX_BODY_BYTES)
                        if payload is None:
                            raise FeedError(f"the response from {source} is larger than allowed")
                        if self.conditional:
                            self._remember_validators(response.headers)
                        self._tally.response((loop.time() - started) * 1000, len(payload))
                        return Response(payload, response.headers, source)
            # aiohttp's timeouts may also be connection errors: they are caught first to say what happened.
            except TimeoutError:
                raise TransientFeedError(f"no answer from {source} within {self.platform.timeout_s:g} s") from None
            except aiohttp.ClientPayloadError:
                raise TransientFeedError(f"the response from {source} was cut off") from None
            except aiohttp.ClientConnectionError as exc:
                raise TransientFeedError(f"cannot reach the platform ({type(exc).__name__})") from None
            except aiohttp.ClientError as exc:
                raise FeedError(f"bad response from {source} ({type(exc).__name__})") from None
            await self._wait_retry_after(status, delay)
        raise FeedError(f"still busy after {MAX_ATTEMPTS} attempts at {source}")

    def _headers(self, url: str) -> dict[str, str]:
        headers = {"Accept-Encoding": "gzip"}
        # A next-page link may point anywhere: the key only goes to the configured host.
        if self.platform.api_key and _origin(url) == self._origin:
            scheme = f"{self.api_key_scheme} " if self.api_key_scheme else ""
            headers[self.api_key_header] = scheme + self.platform.api_key
        for name, header in (("etag", "If-None-Match"), ("last-modified", "If-Modified-Since")):
            if self.conditional and name in self._validators:
                headers[header] = self._validators[name]
        return headers

    def _remember_validators(self, headers: Mapping[str, str]) -> None:
        for name in ("etag", "last-modified"):
            if value := headers.get(name):
                self._pending_validators[name] = value

    async def _wait_retry_after(self, status: int, delay: float) -> None:
        remaining = self._deadline - asyncio.get_running_loop().time()
        if delay > remaining:
            raise FeedError(f"HTTP {status}: asked to retry after {delay:g} s, beyond the refresh budget")
        await asyncio.sleep(delay)

    # -- value parsing shared by the adapters ---------------------------------------------------------

    def category(self, label: Any) -> str:
        """The official category of a platform label; a label that maps to none is ``Lainnya`` (and reported)."""
        if not isinstance(label, str):
            raise ListingError("category is not text")
        official = self._category_table.get(_label_key(label))
        if official is None:
            self._tally.unmapped(label)
            return OTHER_CATEGORY
        return official


def _label_key(label: str) -> str:
    return " ".join(label.split()).casefold()


_OFFICIAL_TABLE = {_label_key(name): name for name in OFFICIAL_CATEGORIES}


def _text_id(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    return str(value).strip() or None


def _reason(error: Exception) -> str:
    """Why a listing cannot be used, in words of the adapter's own (never the feed's text)."""
    if isinstance(error, ListingError):
        return str(error)
    if isinstance(error, KeyError):
        return f"{str(error.args[0])[:40]} is missing"  # a field name the adapter looked up
    return "a field does not have the expected type"


def _path_of(path: str) -> str:
    return re.sub(r"^https?://[^/]+", "", path).split("?", 1)[0] or "/"


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def _retry_after_s(value: str | None) -> float:
    try:
        return max(0.0, float(value)) if value else 1.0
    except ValueError:
        return 1.0  # an HTTP-date; one second is a fair wait within a refresh


_PRICE_TEXT = re.compile(r"(?:rp\.?)?\s*([0-9][0-9.,\s]*)", re.IGNORECASE)


def rupiah(value: Any, *, decimal_mark: str, currency: Any = None) -> int:
    """Whole rupiah from a platform's price: an int, a float, or text such as ``"Rp 1.500.000"`` or ``"Gratis"``.

    ``decimal_mark`` is this platform's decimal separator (``","`` or ``"."``); the other mark separates thousands.
    A fraction of a rupiah is rounded to the nearest rupiah. ``currency`` is the code the feed gives with the
    price, if any: anything but ``IDR`` makes the listing bad.
    """
    if currency is not None and (not isinstance(currency, str) or currency.strip().upper() != "IDR"):
        raise ListingError("price is not in rupiah")
    if isinstance(value, bool):
        raise ListingError("price is not a number")
    if isinstance(value, int | float):
        amount = Decimal(str(value))
    elif isinstance(value, str):
        amount = _price_text(value.strip(), decimal_mark)
    else:
        raise ListingError("price is missing")
    if not amount.is_finite() or amount < 0:
        raise ListingError("price is not a whole non-negative amount")
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _price_text(text: str, decimal_mark: str) -> Decimal:
    if text.casefold() == "gratis":
        return Decimal(0)
    match = _PRICE_TEXT.fullmatch(text)
    if match is None:
        raise ListingError("price is not a recognised amount")
    digits = "".join(match.group(1).split())
    thousands = "." if decimal_mark == "," else ","
    whole, _, fraction = digits.partition(decimal_mark)
    groups = whole.split(thousands)
    if len(groups) > 1 and (not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 for g in groups[1:])):
        raise ListingError("price has misplaced thousands separators")
    if not all(g.isdigit() for g in groups) or (fraction and not fraction.isdigit()):
        raise ListingError("price is not a recognised amount")
    try:
        return Decimal("".join(groups) + ("." + fraction if fraction else ""))
    except InvalidOperation:
        raise ListingError("price is not a recognised amount") from None


def required_text(value: Any, what: str) -> str:
    """A trimmed, non-empty string, or the listing is bad."""
    if not isinstance(value, str) or not value.strip():
        raise ListingError(f"{what} is missing")
    return value.strip()


def optional_text(value: Any) -> str | None:
    """A trimmed string, or ``None`` when absent or empty (so a NIB of ``""`` means none)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ListingError("a text field is not text")
    return value.strip() or None


def plain_text(value: Any) -> str | None:
    """A description as plain text: HTML tags removed, entities decoded; ``None`` when empty."""
    text = optional_text(value)
    return html_to_text(text) or None if text else None


def provider(name: Any, nib: Any) -> Provider:
    """The training institution: a name is required; a NIB that is absent, null or empty means none."""
    return Provider(required_text(name, "provider"), optional_text(nib))


def text_list(values: Any, what: str, *, key: str | None = None) -> tuple[str, ...]:
    """A list of strings, trimmed, empty ones dropped.

    With ``key``, a list of objects each holding its text under that key (``[{"unit": "..."}]``).
    """
    if values is None:
        return ()
    if not isinstance(values, list):
        raise ListingError(f"{what} is not a list")
    if key is not None:
        if not all(isinstance(v, dict) for v in values):
            raise ListingError(f"{what} is not a list of objects")
        values = [v.get(key) for v in values]
    if not all(isinstance(v, str) for v in values):
        raise ListingError(f"{what} is not a list of text")
    return tuple(v.strip() for v in values if v.strip())


def learning_method(value: Any, table: Mapping[str, LearningMethod]) -> LearningMethod:
    if not isinstance(value, str) or value.strip() not in table:
        raise ListingError("learning method is not recognised")
    return table[value.strip()]


def rating(average: Any, count: Any) -> Rating | None:
    """A rating, or ``None`` when there are no reviews (no count, count 0, or no average)."""
    if count is None or average is None:
        return None
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ListingError("review count is not a whole number")
    if count == 0:
        return None
    if isinstance(average, str):
        average = _number_text(average)
    if isinstance(average, bool) or not isinstance(average, int | float) or not 0 <= average <= 5:
        raise ListingError("rating is not between 0 and 5")
    return Rating(round(float(average), 2), count)


def _number_text(text: str) -> float:
    try:
        return float(text.strip().replace(",", "."))
    except ValueError:
        raise ListingError("rating is not a number") from None


def hours(value: Any, *, per_unit: float = 1.0) -> float | None:
    """A duration in hours from a number of units (hours by default); ``None`` when absent."""
    if value is None:
        return None
    if isinstance(value, str):
        value = _number_text(value)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ListingError("duration is not a non-negative number")
    return round(float(value) * per_unit, 2)


def flag(value: Any, what: str) -> bool:
    if not isinstance(value, bool):
        raise ListingError(f"{what} is not true or false")
    return value


def listing_id(value: Any) -> str:
    """A platform's own id, as text: ids come as numbers from some feeds and strings from others."""
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip():
        raise ListingError("id is missing")
    return str(value).strip()
