"""Introspection answers, kept: an operation that selects only ``__schema``, ``__type`` and ``__typename`` at its root
gets the same answer for as long as the schema is the same, whoever asks and whatever the catalogue holds.

GraphiQL asks its introspection query on every page load, and answering it resolves thousands of fields. Answers
without errors are kept under the query's text and operation name, the least recently used dropped once they pass
``max_bytes`` (each charged for its JSON); an operation with variables is answered afresh, as its answer may
depend on them.
"""

from __future__ import annotations

from collections.abc import Iterator

import orjson
from cachetools import LRUCache
from graphql import ExecutionResult, FieldNode, get_operation_ast
from strawberry.extensions import SchemaExtension

from core.metrics import Metrics

_INTROSPECTION = frozenset({"__schema", "__type", "__typename"})
_ENTRY_OVERHEAD = 512

Key = tuple[str, str | None]


class IntrospectionAnswers:
    """The store shared by every request's :class:`CachedIntrospection` extension."""

    def __init__(self, max_bytes: int, metrics: Metrics) -> None:
        self._entries: LRUCache[Key, tuple[ExecutionResult, int]] = LRUCache(
            max_bytes, getsizeof=lambda entry: entry[1])
        self._hits = metrics.cache.labels("introspection", "hit")
        self._misses = metrics.cache.labels("introspection", "miss")

    def get(self, key: Key) -> ExecutionResult | None:
        entry = self._entries.get(key)
        (self._hits if entry else self._misses).inc()
        return entry[0] if entry else None

    def add(self, key: Key, result: ExecutionResult) -> None:
        size = len(orjson.dumps(result.data)) + len(key[0]) + _ENTRY_OVERHEAD
        if size <= self._entries.maxsize:
            self._entries[key] = (result, size)


class CachedIntrospection(SchemaExtension):
    """Answers an introspection-only operation from ``answers`` when it can, and keeps a fresh answer there."""

    def __init__(self, answers: IntrospectionAnswers) -> None:
        super().__init__()
        self._answers = answers

    def on_execute(self) -> Iterator[None]:
        key = self._key()
        cached = self._answers.get(key) if key else None
        if cached is not None:
            self.execution_context.result = cached
        yield
        result = self.execution_context.result
        if key and cached is None and isinstance(result, ExecutionResult) and not result.errors:
            self._answers.add(key, result)

    def _key(self) -> Key | None:
        context = self.execution_context
        if context.variables or context.graphql_document is None or context.query is None:
            return None
        operation = get_operation_ast(context.graphql_document, context.operation_name)
        if operation is None or not all(isinstance(selection, FieldNode) and selection.name.value in _INTROSPECTION
                                        for selection in operation.selection_set.selections):
            return None
        return context.query, context.operation_name
