"""The public GraphQL API: strawberry types and resolvers over the gateway's snapshot."""

from __future__ import annotations

import logging

import strawberry
from graphql import ASTValidationRule, GraphQLError
from strawberry.extensions import AddValidationRules, MaxTokensLimiter, ValidationCache
from strawberry.types import ExecutionContext

from core.config import LimitsConfig

from .context import RequestContext
from .errors import public_errors
from .fast import FastPath
from .limits import AliasLimit, DepthLimit, FieldBudget, LimitedParserCache, OfferNesting
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


def limit_rules(limits: LimitsConfig) -> list[type[ASTValidationRule]]:
    """The validation rules that bound a query, besides its tokens."""
    return [
        DepthLimit.at(limits.max_depth),
        AliasLimit.at(limits.max_aliases),
        OfferNesting.at(MAX_OFFER_NESTING),
        FieldBudget.at(MAX_FIELDS),
    ]


def build_schema(limits: LimitsConfig) -> strawberry.Schema:
    # The rules are made once, not per request: the validation cache keys its entries on them.
    rules = limit_rules(limits)
    return GatewaySchema(
        query=Query,
        extensions=[
            lambda: MaxTokensLimiter(limits.max_tokens),
            lambda: LimitedParserCache(maxsize=512),
            lambda: AddValidationRules(rules),
            lambda: ValidationCache(maxsize=512),
        ],
    )


def build_fast_path(schema: strawberry.Schema, limits: LimitsConfig) -> FastPath:
    """The fast path under ``schema``, refusing what the schema's limits refuse."""
    return FastPath(schema, limit_rules(limits), limits.max_tokens)


__all__ = ["FastPath", "RequestContext", "build_fast_path", "build_schema", "public_errors"]
