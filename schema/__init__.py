"""The public GraphQL API: strawberry types and resolvers over the gateway's snapshot."""

from __future__ import annotations

import logging

import strawberry
from graphql import GraphQLError
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.types import ExecutionContext

from .context import RequestContext
from .errors import public_errors
from .query import Query

log = logging.getLogger(__name__)


class GatewaySchema(strawberry.Schema):
    """Logs what went wrong inside the gateway; a client's bad query is the client's news, not the log's."""

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        for error in errors:
            original = error.original_error
            if original is not None and not isinstance(original, GraphQLError):
                log.error("resolver failed at %s", error.path, exc_info=original)


def build_schema() -> strawberry.Schema:
    return GatewaySchema(
        query=Query,
        extensions=[lambda: ParserCache(maxsize=512), lambda: ValidationCache(maxsize=512)],
    )


__all__ = ["RequestContext", "build_schema", "public_errors"]
