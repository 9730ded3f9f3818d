"""The public GraphQL API: strawberry types and resolvers over the gateway's snapshot."""

from __future__ import annotations

import strawberry
from strawberry.extensions import ParserCache, ValidationCache

from .context import RequestContext
from .extensions import ErrorCodes
from .query import Query


def build_schema() -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        extensions=[ErrorCodes, lambda: ParserCache(maxsize=512), lambda: ValidationCache(maxsize=512)],
    )


__all__ = ["RequestContext", "build_schema"]
