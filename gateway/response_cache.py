"""Whole GraphQL answers to anonymous callers, kept per catalogue snapshot.

An anonymous caller's answer depends only on the query, its variables, its operation name and the snapshot it
was served from, so the same request against the same snapshot gets the same bytes: they are kept and sent
again without parsing, validating or executing anything. The view never looks up nor keeps the answer to a
request that carries an Authorization header in any form: a participant's data is theirs alone. Answers with
errors are not kept. A new snapshot (every refresh makes one) empties the cache, so it never serves old data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from cachetools import TTLCache

from core.metrics import Metrics

Key = tuple[str, bytes, str | None]
"""The query text, the variables (canonical JSON), the operation name."""

_ENTRY_OVERHEAD = 256
"""Bytes an entry costs beyond its key's text and its answer: tuples, the cache's bookkeeping."""


@dataclass(frozen=True, slots=True)
class _Entry:
    answer: bytes
    size: int


class ResponseCache:
    """Answers repeated anonymous GraphQL requests from memory.

    ``max_bytes`` bounds the answers and query texts kept; ``ttl_s`` bounds how long one is kept, as an answer
    also depends on the time (a platform turns STALE as its last refresh ages) and not only on the snapshot.
    """

    def __init__(self, snapshot_version: Callable[[], int], metrics: Metrics, *,
                 max_bytes: int = 32 * 1024 * 1024, ttl_s: float = 5.0) -> None:
        self._snapshot_version = snapshot_version
        self._hits = metrics.cache.labels("response", "hit")
        self._misses = metrics.cache.labels("response", "miss")
        self._entries: TTLCache[Key, _Entry] = TTLCache(max_bytes, ttl_s, getsizeof=lambda entry: entry.size)
        self._version = snapshot_version()

    @staticmethod
    def key(query: str, variables: Mapping[str, Any], operation_name: str | None) -> Key:
        """The key of a request; its variables' nesting is bounded by the request reader, within orjson's."""
        return query, orjson.dumps(variables, option=orjson.OPT_SORT_KEYS) if variables else b"", operation_name

    def get(self, key: Key) -> bytes | None:
        version = self._snapshot_version()
        if version != self._version:
            self._entries.clear()  # nothing kept can be asked for again: lookups are by the current snapshot
            self._version = version
        entry = self._entries.get(key)
        (self._misses if entry is None else self._hits).inc()
        return None if entry is None else entry.answer

    def put(self, key: Key, version: int, answer: bytes) -> None:
        """Keeps an answer without errors computed from snapshot ``version``, if that is still the current one."""
        if version != self._version:
            return
        size = len(answer) + len(key[0]) + len(key[1]) + _ENTRY_OVERHEAD
        if size <= self._entries.maxsize:
            self._entries[key] = _Entry(answer, size)
