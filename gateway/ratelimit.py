"""The per-client rate limit of one route (spec: ``limits.rate_limit_per_minute``)."""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable

from cachetools import TTLCache
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from cluster import RedisLink, SharedRateLimit
from schema.errors import ErrorCode, coded_error

_WINDOW_S = 60.0
BUCKET_BYTES = 400
"""What one bucket costs: its 16-byte key, a tuple of two floats, the TTL cache's links and its dict slot."""


class RateLimit:
    """Answers 429 RATE_LIMITED, with ``Retry-After``, to a client over ``per_minute`` requests to ``path``; other
    routes are never limited, and 0 turns the limit off.

    A token bucket per client address (the deployment's, in Redis, given ``shared``): a burst of ``per_minute``
    requests, then one every 60 / ``per_minute`` s. The address is the connection's as the ASGI server reports it;
    uvicorn replaces it with ``X-Forwarded-For`` only for a proxy it trusts (``FORWARDED_ALLOW_IPS``, loopback by
    default), so a remote client cannot choose its own. A bucket left alone for a minute is full again, so it is
    forgotten then. Buckets are keyed by a digest of the address, whatever its length (a trusted proxy passes on
    whatever ``X-Forwarded-For`` it was sent), so each takes :data:`BUCKET_BYTES` and at most ``max_bytes`` are
    kept: memory stays bounded however many addresses call.
    """

    def __init__(self, app: ASGIApp, path: str, per_minute: int, max_bytes: int = 16 * 1024 * 1024,
                 clock: Callable[[], float] = time.monotonic, shared: RedisLink | None = None) -> None:
        self.app = app
        self.path = path
        self.per_minute = per_minute
        self._per_second = per_minute / _WINDOW_S
        self._clock = clock
        # Each client's tokens left, and when they were counted.
        self._buckets: TTLCache[bytes, tuple[float, float]] = TTLCache(max_bytes // BUCKET_BYTES, _WINDOW_S,
                                                                       timer=clock)
        # With Redis, the buckets are the deployment's; these are the fallback while Redis cannot answer.
        self._shared = SharedRateLimit(shared, per_minute, self._take) if shared is not None and per_minute else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.per_minute and scope["type"] == "http" and scope["path"] == self.path:
            client = scope.get("client")
            address = client[0] if client else ""
            wait_s = await self._shared.take(address) if self._shared else self._take(address)
            if wait_s:
                await self._refusal(wait_s)(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _take(self, address: str) -> float:
        """Takes one request from the address's bucket: 0.0, or the seconds until the bucket holds one again."""
        client = hashlib.blake2b(address.encode(errors="surrogateescape"), digest_size=16).digest()
        now = self._clock()
        tokens, counted = self._buckets.get(client, (float(self.per_minute), now))
        tokens = min(float(self.per_minute), tokens + (now - counted) * self._per_second)
        if tokens < 1:
            return (1 - tokens) / self._per_second
        self._buckets[client] = (tokens - 1, now)
        return 0.0

    def _refusal(self, wait_s: float) -> JSONResponse:
        retry_after = max(1, math.ceil(wait_s))
        error = coded_error(ErrorCode.RATE_LIMITED, f"too many requests: at most {self.per_minute} a minute from one "
                                                    f"address, retry in {retry_after} s")
        return JSONResponse({"errors": [error.formatted]}, status_code=429, headers={"Retry-After": str(retry_after)})
