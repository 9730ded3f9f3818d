"""Automatic persisted queries, as Apollo Client and urql send them.

A client first sends only ``extensions.persistedQuery.sha256Hash``; when the gateway does not know the hash it
answers ``PERSISTED_QUERY_NOT_FOUND`` and the client sends the query with its hash, which registers it. Queries
are kept in memory first (least recently used dropped first, bounded in bytes), then in an optional shared tier
that every process of a deployment reads, so a client that lands on another process is not asked again.
"""

from __future__ import annotations

import hashlib
import re
from typing import Protocol

from cachetools import LRUCache
from graphql import GraphQLError

from schema.errors import ErrorCode, coded_error

from .graphql_request import GraphQLRequest, refused

_ENTRY_OVERHEAD = 200
"""Bytes an entry costs beyond its query's text: the hash, the string objects, the cache's bookkeeping."""
_SHA256 = re.compile(r"[0-9a-f]{64}")


class SharedQueries(Protocol):
    """A tier behind memory that every process of a deployment shares (e.g. Redis). It must not raise: when it
    cannot answer, ``get`` returns ``None`` and ``put`` drops the query."""

    async def get(self, sha256: str) -> str | None: ...

    async def put(self, sha256: str, query: str) -> None: ...


class PersistedQueryNotFound(Exception):
    """The hash is known nowhere: the client sends the query again with it."""

    error: GraphQLError = coded_error(ErrorCode.PERSISTED_QUERY_NOT_FOUND, "PersistedQueryNotFound")


class PersistedQueries:
    def __init__(self, max_bytes: int, shared: SharedQueries | None = None) -> None:
        self._memory: LRUCache[str, str] = LRUCache(max_bytes, getsizeof=lambda query: len(query) + _ENTRY_OVERHEAD)
        self._shared = shared

    async def query_of(self, request: GraphQLRequest) -> str:
        """The text to run for ``request``: its own query (registered when it carries a hash), or the persisted one.

        Raises :class:`PersistedQueryNotFound` for an unknown hash, ``RequestRefused`` for a malformed extension or
        a query that does not have the hash it came with.
        """
        extension = request.extensions.get("persistedQuery")
        if extension is None:
            if request.query is None:
                raise refused("the request has no 'query'")
            return request.query
        sha256 = _hash_of(extension)
        if request.query is None:
            return await self._lookup(sha256)
        if hashlib.sha256(request.query.encode()).hexdigest() != sha256:
            raise refused("the query's SHA-256 hash is not extensions.persistedQuery.sha256Hash")
        await self._register(sha256, request.query)
        return request.query

    async def _lookup(self, sha256: str) -> str:
        query = self._memory.get(sha256)
        if query is None and self._shared is not None:
            query = await self._shared.get(sha256)
            if query is not None:
                self._remember(sha256, query)
        if query is None:
            raise PersistedQueryNotFound
        return query

    async def _register(self, sha256: str, query: str) -> None:
        if sha256 in self._memory:
            return
        self._remember(sha256, query)
        if self._shared is not None:
            await self._shared.put(sha256, query)

    def _remember(self, sha256: str, query: str) -> None:
        if self._memory.getsizeof(query) <= self._memory.maxsize:  # larger ones would empty it, then fail
            self._memory[sha256] = query


def _hash_of(extension: object) -> str:
    if not isinstance(extension, dict) or extension.get("version") != 1:
        raise refused("extensions.persistedQuery must be {\"version\": 1, \"sha256Hash\": ...}")
    sha256 = extension.get("sha256Hash")
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
        raise refused("extensions.persistedQuery.sha256Hash must be 64 lowercase hexadecimal digits")
    return sha256
