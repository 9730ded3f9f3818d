"""Whole GraphQL answers to anonymous callers, kept per catalogue snapshot.

An anonymous caller's answer depends only on the query, its variables, its operation name and the snapshot it
was served from, so the same request against the same snapshot gets the same bytes: they are kept and sent
again without parsing, validating or executing anything. A request that carries an Authorization header in any
form is never answered from here, and its answer never kept: a participant's data is theirs alone. Answers with
errors are not kept. A new snapshot (every refresh makes one) empties the cache, so it never serves old data.
Anything beyond the spec's ``application/json`` POST (GET, other content types, batches) passes through.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from cachetools import TTLCache
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.metrics import Metrics

Key = tuple[str, bytes, str | None]
"""The query text, the variables (canonical JSON), the operation name."""

_STATE = "response_cache_version"
_ENTRY_OVERHEAD = 256
"""Bytes an entry costs beyond its key's text and its answer: tuples, the cache's bookkeeping."""


@dataclass(frozen=True, slots=True)
class _Entry:
    answer: bytes
    size: int


class ResponseCache:
    """Answers repeated anonymous GraphQL requests from memory, in front of ``app`` (the GraphQL view).

    ``max_bytes`` bounds the answers and query texts kept; ``ttl_s`` bounds how long one is kept, as an answer
    also depends on the time (a platform turns STALE as its last refresh ages) and not only on the snapshot.
    """

    def __init__(self, app: ASGIApp, snapshot_version: Callable[[], int], metrics: Metrics, *,
                 max_bytes: int = 32 * 1024 * 1024, ttl_s: float = 5.0) -> None:
        self._app = app
        self._snapshot_version = snapshot_version
        self._hits = metrics.cache.labels("response", "hit")
        self._misses = metrics.cache.labels("response", "miss")
        self._entries: TTLCache[Key, _Entry] = TTLCache(max_bytes, ttl_s, getsizeof=lambda entry: entry.size)
        self._version = snapshot_version()

    @staticmethod
    def cacheable(request: Request, version: int | None) -> None:
        """Called by ``app`` for each answer: the snapshot it came from, or ``None`` when it must not be kept."""
        setattr(request.state, _STATE, version)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _may_be_cached(scope):
            await self._app(scope, receive, send)
            return
        body = await _read_body(receive)
        key = _key(body)
        if key is None:
            await self._app(scope, _replaying(body, receive), send)
            return
        entry = self._lookup(key)
        if entry is not None:
            self._hits.inc()
            await Response(entry.answer, media_type="application/json")(scope, receive, send)
            return
        self._misses.inc()
        answer = _Recorder(send)
        await self._app(scope, _replaying(body, receive), answer)
        version = scope.get("state", {}).get(_STATE)
        if answer.status == 200 and version is not None and version == self._version:
            size = len(answer.body) + len(key[0]) + len(key[1]) + _ENTRY_OVERHEAD
            if size <= self._entries.maxsize:
                self._entries[key] = _Entry(answer.body, size)

    def _lookup(self, key: Key) -> _Entry | None:
        version = self._snapshot_version()
        if version != self._version:
            self._entries.clear()  # nothing kept can be asked for again: lookups are by the current snapshot
            self._version = version
        return self._entries.get(key)


def _may_be_cached(scope: Scope) -> bool:
    if scope["type"] != "http" or scope["method"] != "POST":
        return False
    content_type = b""
    for name, value in scope["headers"]:
        if name == b"authorization":
            return False
        if name == b"content-type":
            content_type = value
    return content_type.split(b";", 1)[0].strip().lower() == b"application/json"


def _key(body: bytes) -> Key | None:
    """The cache key of a GraphQL-over-HTTP body; ``None`` for anything else (strawberry reports what is wrong)."""
    try:
        request: Any = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(request, dict) or request.keys() - {"query", "variables", "operationName", "extensions"}:
        return None
    query, variables, name = request.get("query"), request.get("variables"), request.get("operationName")
    if not isinstance(query, str) or request.get("extensions") or not isinstance(name, str | None):
        return None
    if not isinstance(variables, dict | None):
        return None
    return query, orjson.dumps(variables, option=orjson.OPT_SORT_KEYS) if variables else b"", name


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break  # the client went away; the view will see nothing more either
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replaying(body: bytes, receive: Receive) -> Receive:
    """``receive`` for the view, giving it the body already read."""
    given = False

    async def replay() -> Message:
        nonlocal given
        if given:
            return await receive()
        given = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


class _Recorder:
    """Passes the view's answer on, and keeps its status and body."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self.status = 0
        self._chunks: list[bytes] = []

    @property
    def body(self) -> bytes:
        return b"".join(self._chunks)

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
        elif message["type"] == "http.response.body":
            self._chunks.append(message.get("body", b""))
        await self._send(message)
