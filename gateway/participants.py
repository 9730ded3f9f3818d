"""Who is calling: the participant service (platforms.md §10) asked with the caller's own bearer token.

A participant's data is theirs alone. Answers are cached per token, under a keyed hash of it, for at most
``participants.cache_ttl_s``; concurrent requests with the same token share one upstream call, and nothing is
ever shared between tokens. No token, card number or other participant datum is logged: failures are logged in
generic words only.

Every lookup is bounded by ``participants.timeout_s``. After a timeout the service is presumed slow: for the next
``timeout_s`` lookups that the cache cannot answer fail at once, then one probe call decides whether it is back,
so a slow service costs one caller a wait per ``timeout_s``, not every caller every time.
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
    if scheme.casefold() != "bearer" or not token or not all("!" <= ch <= "~" for ch in token):
        return INVALID_TOKEN
    return Credentials(header=values[0], token=token)


@dataclass(frozen=True, slots=True, repr=False)
class _Cached:
    participant: Participant
    expires_at: float


class ParticipantService:
    """The client of the participant service; :meth:`start` and :meth:`stop` it with the app."""

    def __init__(
        self, config: ParticipantsConfig, metrics: Metrics | None = None, *, max_cached: int = 10_000
    ) -> None:
        self._url = config.base_url.rstrip("/") + "/v1/participants/me"
        self._timeout_s = config.timeout_s
        self._ttl_s = config.cache_ttl_s
        self._metrics = metrics or Metrics()
        # Keyed by a hash under a per-process secret: a dump of the cache gives no token, nor a way to test one.
        self._hash_key = secrets.token_bytes(32)
        # Entries carry their own expiry (see _ask); the cache's TTL only evicts them. At TTL 0 nothing is stored.
        self._cache: TTLCache[bytes, _Cached] = TTLCache(maxsize=max_cached, ttl=max(self._ttl_s, 1e-3))
        self._in_flight: dict[bytes, asyncio.Task[Caller]] = {}
        # Opens on the first timeout: only slowness makes callers wait (see _ask).
        self._breaker = Breaker(cooldown_s=config.timeout_s)
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=None),  # each lookup is bounded as a whole, in _ask
            raise_for_status=False,
            trust_env=False,  # a proxy from the environment must not see participants' tokens
        )

    async def stop(self) -> None:
        tasks = list(self._in_flight.values())
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
        task = self._in_flight.get(key)
        if task is None:
            if not self._breaker.allows():
                return UNAVAILABLE
            task = asyncio.create_task(self._ask(given.header, key), name="participant lookup")
            self._in_flight[key] = task
            task.add_done_callback(lambda done: self._forget(key, done))
        # Shielded: a caller that goes away must not cancel the call others with the same token wait for.
        return await asyncio.shield(task)

    def _forget(self, key: bytes, task: asyncio.Task[Caller]) -> None:
        if self._in_flight.get(key) is task:
            del self._in_flight[key]

    async def _ask(self, header: str, key: bytes) -> Caller:
        started = time.monotonic()
        try:
            async with asyncio.timeout(self._timeout_s):
                caller = await self._get(header)
        except TimeoutError:
            self._breaker.failed()
            log.warning("participant service did not answer within %s s", self._timeout_s)
            return UNAVAILABLE
        except Exception as exc:
            # A bug here must cost the caller their sign-in, not the request; the class only, as below.
            log.error("participant lookup failed unexpectedly (%s)", type(exc).__name__)
            caller = UNAVAILABLE
        # Any answer, even a 5xx, came back quickly, and a probe must not stay out forever: it closes the breaker.
        self._breaker.succeeded()
        if isinstance(caller, SignedIn) and self._ttl_s > 0:
            # From when the question was asked: the answer is never served older than the TTL.
            self._cache[key] = _Cached(caller.participant, started + self._ttl_s)
        return caller

    async def _get(self, header: str) -> Caller:
        if self._session is None:
            log.error("participant service client used before start()")
            return UNAVAILABLE
        try:
            async with self._session.get(
                self._url,
                headers={"Authorization": header, "Accept": "application/json"},
                allow_redirects=False,  # a redirect would carry the token somewhere else
            ) as response:
                if response.status == 401:
                    return INVALID_TOKEN
                if response.status != 200:
                    log.warning("participant service answered HTTP %d", response.status)
                    return UNAVAILABLE
                body = await read_capped(response, MAX_ANSWER_BYTES)
        except TimeoutError:
            raise  # aiohttp's timeouts are client errors too; slowness is _ask's to handle
        except aiohttp.ClientError as exc:
            # The class only: some client errors quote the request, and the request holds the token.
            log.warning("participant service could not be reached (%s)", type(exc).__name__)
            return UNAVAILABLE
        if body is None:
            log.warning("participant service sent an answer larger than %d bytes", MAX_ANSWER_BYTES)
            return UNAVAILABLE
        try:
            return SignedIn(parse_participant(orjson.loads(body)))
        except orjson.JSONDecodeError:
            log.warning("participant service sent an answer that is not JSON")
        except MalformedParticipant as exc:
            log.warning("participant service sent an answer that is not a participant: %s", exc)
        return UNAVAILABLE
