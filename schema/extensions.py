"""Schema extensions: every error leaves with an ``extensions.code`` and without internals."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from .errors import ErrorCode

log = logging.getLogger(__name__)


class ErrorCodes(SchemaExtension):
    """Gives every error a code; an unexpected exception becomes INTERNAL_SERVER_ERROR with no detail.

    Errors of the request as a whole (``context.errors``: an invalid token, the participant service
    down) are added once, whatever fields were asked for.
    """

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None:
            return
        context = self.execution_context.context
        request_errors = list(getattr(context, "errors", []) or [])
        errors = [self._coded(error) for error in (result.errors or [])] + request_errors
        result.errors = errors or None

    @staticmethod
    def _coded(error: GraphQLError) -> GraphQLError:
        if error.extensions and "code" in error.extensions:
            return error
        original = error.original_error
        if original is not None and not isinstance(original, GraphQLError):
            log.error("resolver failed at %s", error.path, exc_info=original)
            return GraphQLError(
                "Internal server error.",
                nodes=error.nodes,
                path=error.path,
                extensions={"code": ErrorCode.INTERNAL_SERVER_ERROR.value},
            )
        # Syntax, validation and variable errors: the client's query is at fault, and the message says how.
        return GraphQLError(
            error.message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={"code": ErrorCode.BAD_USER_INPUT.value},
        )
