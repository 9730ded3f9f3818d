"""The deployment's second tier of automatic persisted queries: a query registered on one process is known to all.

A query is stored under its SHA-256 for ``query_ttl_s``; one longer than ``max_query_bytes`` is not stored (it stays
in its own process's memory tier). A query read back is returned only if it still hashes to its key, so nothing
written to Redis by anyone can make a process run a query other than the one the client named.
"""

from __future__ import annotations

import contextlib
import hashlib
import re

from .link import RedisLink, RedisUnavailable

_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


class SharedQueryStore:
    """``get`` and ``put`` each take at most ``call_timeout_s`` and never raise: Redis away means a miss."""

    def __init__(self, link: RedisLink) -> None:
        self._link = link

    async def get(self, sha256: str) -> str | None:
        if not _SHA256_HEX.fullmatch(sha256):
            return None
        try:
            stored = await self._link.run(lambda redis: redis.get(self._link.key("query", sha256)))
        except RedisUnavailable:
            return None
        if not isinstance(stored, bytes) or hashlib.sha256(stored).hexdigest() != sha256:
            return None
        return stored.decode()

    async def put(self, sha256: str, query: str) -> None:
        """Stores ``query`` if ``sha256`` is its SHA-256 and it is within the size cap; otherwise does nothing."""
        encoded = query.encode()
        settings = self._link.settings
        if len(encoded) > settings.max_query_bytes or hashlib.sha256(encoded).hexdigest() != sha256:
            return
        with contextlib.suppress(RedisUnavailable):
            await self._link.run(lambda redis: redis.set(self._link.key("query", sha256), encoded,
                                                         ex=settings.query_ttl_s))
