"""The public GraphQL API: strawberry types and resolvers over the gateway's snapshot."""

from __future__ import annotations

import logging

import strawberry
from graphql import ASTValidationRule, GraphQLError
from strawberry.extensions import AddValidationRules, MaxTokensLimiter
from strawberry.types import ExecutionContext

from core.config import LimitsConfig
from core.metrics import Metrics

from .context import RequestContext
from .documents import CachedDocuments, Documents
from .errors import public_errors
from .fast import FastPath
from .introspection import CachedIntrospection, IntrospectionAnswers
from .limits import AliasLimit, DepthLimit, FieldBudget, OfferNesting
from .query import Query

log = logging.getLogger(__name__)


class GatewaySchema(strawberry.Schema):
    """Logs what went wrong inside the gateway; a client's bad query is the client's news, not the log's."""

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        for error in errors:
            original = error.original_error
            if original is not None and not isinstance(original, GraphQLError):
                log.error("resolver failed at %s", error.path, exc_info=original)


MAX_OFFER_NESTING = 2
"""``otherOffers { otherOffers { id } }`` and no deeper: see :class:`OfferNesting`."""

MAX_FIELDS = 50_000
"""A page of a hundred courses with every field and two levels of offers resolves about 40,000."""

MAX_DOCUMENT_BYTES = 16 * 1024 * 1024
"""Parsed and validated queries kept: two hundred queries of a hundred tokens, or eight of a megabyte."""

MAX_INTROSPECTION_BYTES = 4 * 1024 * 1024
"""Introspection answers kept: GraphiQL's is about 100 KB."""


def limit_rules(limits: LimitsConfig) -> list[type[ASTValidationRule]]:
    """The validation rules that bound a query, besides its tokens."""
    return [
        DepthLimit.at(limits.max_depth),
        AliasLimit.at(limits.max_aliases),
        OfferNesting.at(MAX_OFFER_NESTING),
        FieldBudget.at(MAX_FIELDS),
    ]


def build_schema(limits: LimitsConfig, metrics: Metrics | None = None) -> strawberry.Schema:
    """The schema, with the query limits and caches; ``metrics`` counts the caches' hits."""
    metrics = metrics or Metrics()
    rules = limit_rules(limits)
    documents = Documents(MAX_DOCUMENT_BYTES, metrics)
    answers = IntrospectionAnswers(MAX_INTROSPECTION_BYTES, metrics)
    return GatewaySchema(
        query=Query,
        extensions=[
            lambda: MaxTokensLimiter(limits.max_tokens),
            lambda: CachedDocuments(documents),
            lambda: AddValidationRules(rules),
            lambda: CachedIntrospection(answers),
        ],
    )


def build_fast_path(schema: strawberry.Schema, limits: LimitsConfig) -> FastPath:
    """The fast path under ``schema``, refusing what the schema's limits refuse."""
    return FastPath(schema, limit_rules(limits), limits.max_tokens)


__all__ = ["FastPath", "RequestContext", "build_fast_path", "build_schema", "public_errors"]
