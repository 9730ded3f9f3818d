"""Who is calling: the participant service (platforms.md §10) asked with the caller's own bearer token.

A participant's data is theirs alone. Answers are cached per token, under a keyed hash of it, for at most
``participants.cache_ttl_s``; concurrent requests with the same token share one upstream call, and nothing is
ever shared between tokens. No token, card number or other participant datum is logged: failures are logged in
generic words only.

Every lookup is bounded by ``participants.timeout_s``, and a circuit breaker keeps a slow service from making more
than one caller wait: it starts half-open (until the service has answered once, one lookup at a time: the probe;
lookups the cache cannot answer fail at once meanwhile), and a lookup that has waited :data:`STALLED_FRACTION` of
the timeout makes it half-open again until that lookup ends. After a timeout the service is presumed slow: for the
next ``timeout_s`` such lookups fail at once, then one probe decides whether it is back. So a slow service costs one
caller a wait per ``timeout_s``, not every caller every time.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass

import aiohttp
import orjson
from cachetools import TTLCache

from core.breaker import Breaker
from core.config import ParticipantsConfig
from core.domain import ANONYMOUS, INVALID_TOKEN, UNAVAILABLE, Caller, InvalidToken, Participant, SignedIn
from core.metrics import Metrics
from core.upstream import read_capped
from gateway.participant_json import MalformedParticipant, parse_participant

log = logging.getLogger(__name__)

MAX_ANSWER_BYTES = 1_048_576
"""A participant is a few kilobytes; a larger answer is not a participant, and is not read whole."""
MAX_TOKEN_CHARS = 4096
"""A longer bearer token is invalid without asking: no server takes a header line that long (aiohttp's 8 KB)."""
_CACHED_OVERHEAD = 1024
"""Bytes a cached participant costs beyond its parsed answer: key, entry, the cache's links."""
_PARSED_PER_ANSWER_BYTE = 3
"""A participant parsed takes about 2.4 times the bytes of the JSON it was read from (measured)."""
STALLED_FRACTION = 0.25
"""A lookup unanswered after this fraction of ``timeout_s`` is the probe of a service that may have turned slow."""


@dataclass(frozen=True, slots=True, repr=False)
class Credentials:
    header: str
    """The Authorization header as the caller sent it: the service gets it unchanged."""
    token: str

    def __repr__(self) -> str:
        return "Credentials(...)"


def credentials(authorization: Sequence[str]) -> Credentials | InvalidToken | None:
    """What a request's Authorization header values hold: nothing, a bearer token, or something else (invalid)."""
    values = [value for value in authorization if value.strip()]
    if not values:
        return None
    if len(values) > 1:
        return INVALID_TOKEN
    scheme, _, token = values[0].strip().partition(" ")
    token = token.strip()
    # RFC 6750: "Bearer" in any case, then one token of visible ASCII.
    if (scheme.casefold() != "bearer" or not token or len(token) > MAX_TOKEN_CHARS
            or not all("!" <= ch <= "~" for ch in token)):
        return INVALID_TOKEN
    return Credentials(header=values[0], token=token)


@dataclass(frozen=True, slots=True, repr=False)
class _Cached:
    participant: Participant
    expires_at: float
    size: int
    """Bytes charged: the answer the participant was read from, and what holding it costs beyond."""


class ParticipantService:
    """The client of the participant service; :meth:`start` and :meth:`stop` it with the app."""

    def __init__(
        self, config: ParticipantsConfig, metrics: Metrics | None = None, *, max_cached_bytes: int = 64 * 1024 * 1024
    ) -> None:
        self._url = config.base_url.rstrip("/") + "/v1/participants/me"
        self._timeout_s = config.timeout_s
        self._ttl_s = config.cache_ttl_s
        self._metrics = metrics or Metrics()
        # Keyed by a hash under a per-process secret: a dump of the cache gives no token, nor a way to test one.
        self._hash_key = secrets.token_bytes(32)
        # Entries carry their own expiry (see _ask); the cache's TTL only evicts them. At TTL 0 nothing is stored.
        # Bounded in bytes: an answer may take up to MAX_ANSWER_BYTES.
        self._cache: TTLCache[bytes, _Cached] = TTLCache(maxsize=max_cached_bytes, ttl=max(self._ttl_s, 1e-3),
                                                         getsizeof=lambda cached: cached.size)
        # The lookups under way and when each started, oldest first.
        self._in_flight: dict[bytes, tuple[asyncio.Task[Caller], float]] = {}
        # Opens on the first timeout: only slowness makes callers wait (see _ask).
        self._breaker = Breaker(cooldown_s=config.timeout_s, half_open=True)
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=None),  # each lookup is bounded as a whole, in _ask
            raise_for_status=False,
            trust_env=False,  # a proxy from the environment must not see participants' tokens
        )

    async def stop(self) -> None:
        tasks = [task for task, _ in self._in_flight.values()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._cache.clear()
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def caller_of(self, authorization: Sequence[str]) -> Caller:
        """Who sent a request with these Authorization header values. Never raises; waits at most ``timeout_s``."""
        given = credentials(authorization)
        if given is None or isinstance(given, InvalidToken):
            return ANONYMOUS if given is None else given
        key = hashlib.blake2b(given.token.encode(), key=self._hash_key).digest()
        cached = self._cache.get(key)
        if cached is not None and time.monotonic() < cached.expires_at:
            self._metrics.cache.labels("participants", "hit").inc()
            return SignedIn(cached.participant)
        self._metrics.cache.labels("participants", "miss").inc()
        task, _ = self._in_flight.get(key, (None, 0.0))
        if task is None:
            if self._stalled() or not self._breaker.allows():
                return UNAVAILABLE
            task = asyncio.create_task(self._ask(given.header, key), name="participant lookup")
            self._in_flight[key] = (task, time.monotonic())
            task.add_done_callback(lambda done: self._forget(key, done))
        # Shielded: a caller that goes away must not cancel the call others with the same token wait for.
        return await asyncio.shield(task)

    def _stalled(self) -> bool:
        """Whether the oldest lookup under way has waited long enough for the service to be presumed slow."""
        oldest = next(iter(self._in_flight.values()), None)
        return oldest is not None and time.monotonic() - oldest[1] > self._timeout_s * STALLED_FRACTION

    def _forget(self, key: bytes, task: asyncio.Task[Caller]) -> None:
        if self._in_flight.get(key, (None,))[0] is task:
            del self._in_flight[key]

    async def _ask(self, header: str, key: bytes) -> Caller:
        started = time.monotonic()
        try:
            async with asyncio.timeout(self._timeout_s):
                caller, size = await self._get(header)
        except TimeoutError:
            self._breaker.failed()
            log.warning("participant service did not answer within %s s", self._timeout_s)
            return UNAVAILABLE
        except Exception as exc:
            # A bug here must cost the caller their sign-in, not the request; the class only, as below.
            log.error("participant lookup failed unexpectedly (%s)", type(exc).__name__)
            caller, size = UNAVAILABLE, 0
        # Any answer, even a 5xx, came back quickly, and a probe must not stay out forever: it closes the breaker.
        self._breaker.succeeded()
        if isinstance(caller, SignedIn) and self._ttl_s > 0:
            # From when the question was asked: the answer is never served older than the TTL.
            cached = _Cached(caller.participant, started + self._ttl_s,
                             _PARSED_PER_ANSWER_BYTE * size + _CACHED_OVERHEAD)
            if cached.size <= self._cache.maxsize:
                self._cache[key] = cached
        return caller

    async def _get(self, header: str) -> tuple[Caller, int]:
        """Who the service says the caller is, and the size of the answer that says so."""
        if self._session is None:
            log.error("participant service client used before start()")
            return UNAVAILABLE, 0
        try:
            async with self._session.get(
                self._url,
                headers={"Authorization": header, "Accept": "application/json"},
                allow_redirects=False,  # a redirect would carry the token somewhere else
            ) as response:
                if response.status == 401:
                    return INVALID_TOKEN, 0
                if response.status != 200:
                    log.warning("participant service answered HTTP %d", response.status)
                    return UNAVAILABLE, 0
                body = await read_capped(response, MAX_ANSWER_BYTES)
        except TimeoutError:
            raise  # aiohttp's timeouts are client errors too; slowness is _ask's to handle
        except aiohttp.ClientError as exc:
            # The class only: some client errors quote the request, and the request holds the token.
            log.warning("participant service could not be reached (%s)", type(exc).__name__)
            return UNAVAILABLE, 0
        if body is None:
            log.warning("participant service sent an answer larger than %d bytes", MAX_ANSWER_BYTES)
            return UNAVAILABLE, 0
        try:
            return SignedIn(parse_participant(orjson.loads(body))), len(body)
        except orjson.JSONDecodeError:
            log.warning("participant service sent an answer that is not JSON")
        except MalformedParticipant as exc:
            log.warning("participant service sent an answer that is not a participant: %s", exc)
        return UNAVAILABLE, 0
