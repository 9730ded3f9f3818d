"""Parsed and validated queries, kept between requests and bounded in bytes, not entries.

A query parses and validates to the same document and the same errors every time, so both are kept under the
query's text. strawberry's ``ParserCache`` and ``ValidationCache`` bound their entries by count, and an entry of a
long query holds its text twice and its tokens: a few hundred distinct long queries filled a gigabyte. Here each
entry is charged for its text and its tokens (a parsed token, with its AST node, takes about 650 bytes), and the
least recently used entries go once the charges pass ``max_bytes``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from cachetools import LRUCache
from graphql import DocumentNode, GraphQLError, GraphQLSyntaxError, parse
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from core.metrics import Metrics

from .errors import query_too_complex
from .limits import parser_refusal

_BYTES_PER_TOKEN = 650
_ENTRY_OVERHEAD = 512
CHARS_PER_TOKEN = 32
"""A query may be this many characters long per token allowed (96,000 for 3,000 tokens). The parser counts a
comment or a string as one token however long it is, and reads a megabyte of one in 0.4 s of CPU."""


@dataclass(slots=True)
class _Entry:
    document: DocumentNode
    size: int
    errors: list[GraphQLError] | None = field(default=None)
    """The validation errors, once validated."""


def too_long(query: str, max_tokens: int) -> GraphQLError | None:
    """The QUERY_TOO_COMPLEX refusal of a query longer than :data:`CHARS_PER_TOKEN` per token allowed, if it is."""
    if len(query) <= max_tokens * CHARS_PER_TOKEN:
        return None
    return query_too_complex(f"the query is {len(query)} characters long, at most {max_tokens * CHARS_PER_TOKEN} "
                             f"are allowed")


class Documents:
    """The store shared by every request's :class:`CachedDocuments` extension."""

    def __init__(self, max_bytes: int, metrics: Metrics) -> None:
        self._entries: LRUCache[str, _Entry] = LRUCache(max_bytes, getsizeof=lambda entry: entry.size)
        self._hits = metrics.cache.labels("query", "hit")
        self._misses = metrics.cache.labels("query", "miss")

    def get(self, query: str) -> _Entry | None:
        entry = self._entries.get(query)
        (self._hits if entry else self._misses).inc()
        return entry

    def add(self, query: str, document: DocumentNode) -> _Entry:
        # The text twice: as the key, and in the tokens' values (a comment or a string holds its characters).
        entry = _Entry(document, 2 * len(query) + _BYTES_PER_TOKEN * document.token_count + _ENTRY_OVERHEAD)
        if entry.size <= self._entries.maxsize:
            self._entries[query] = entry
        return entry


class CachedDocuments(SchemaExtension):
    """Parses and validates through ``documents``, and reports the parser's refusals (``MaxTokensLimiter``'s limit,
    a nesting too deep for the parser) as QUERY_TOO_COMPLEX rather than as syntax errors; a query longer than
    :data:`CHARS_PER_TOKEN` per token allowed is refused so before it is read.

    It must be the parser to do so: an error raised while parsing never reaches the other extensions.
    """

    def __init__(self, documents: Documents) -> None:
        super().__init__()
        self._documents = documents
        self._entry: _Entry | None = None

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        query = context.query or ""
        self._entry = self._documents.get(query)
        if self._entry is None:
            max_tokens = context.parse_options.get("max_tokens")
            if max_tokens is not None and (refusal := too_long(query, max_tokens)) is not None:
                raise refusal
            try:
                document = parse(query, **context.parse_options)
            except GraphQLSyntaxError as error:
                raise parser_refusal(error, max_tokens) from None
            self._entry = self._documents.add(query, document)
        context.graphql_document = self._entry.document
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        entry = self._entry
        if entry is not None and context.graphql_document is entry.document:
            if entry.errors is None:
                entry.errors = validate_document(context.schema._schema, entry.document, context.validation_rules)
            context.pre_execution_errors = entry.errors
        yield
