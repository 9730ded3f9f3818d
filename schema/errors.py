"""The error codes clients branch on (``extensions.code``), one constructor each."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from graphql import GraphQLError, Node
from graphql.validation.validate import ValidationAbortedError


class ErrorCode(StrEnum):
    BAD_USER_INPUT = "BAD_USER_INPUT"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    PARTICIPANT_SERVICE_UNAVAILABLE = "PARTICIPANT_SERVICE_UNAVAILABLE"
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
    RATE_LIMITED = "RATE_LIMITED"
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


def coded_error(code: ErrorCode, message: str, node: Node | None = None) -> GraphQLError:
    return GraphQLError(message, node, extensions={"code": code.value})


def bad_user_input(message: str) -> GraphQLError:
    return coded_error(ErrorCode.BAD_USER_INPUT, message)


def query_too_complex(message: str, node: Node | None = None) -> GraphQLError:
    return coded_error(ErrorCode.QUERY_TOO_COMPLEX, message, node)


def public_errors(errors: Iterable[GraphQLError]) -> list[GraphQLError]:
    """The errors as a client sees them: each with a code; an unexpected exception without any detail."""
    return [_coded(error) for error in errors]


def _coded(error: GraphQLError) -> GraphQLError:
    if error.extensions and "code" in error.extensions:
        return error
    original = error.original_error
    if original is not None and not isinstance(original, GraphQLError):
        return GraphQLError("Internal server error.", nodes=error.nodes, path=error.path,
                            extensions={"code": ErrorCode.INTERNAL_SERVER_ERROR.value})
    # Syntax, validation and variable errors: the client's query is at fault, and the message says how. graphql-core
    # gives up validating a query with too many errors or fragments nested too deep: too complex, more than wrong.
    code = ErrorCode.QUERY_TOO_COMPLEX if isinstance(error, ValidationAbortedError) else ErrorCode.BAD_USER_INPUT
    return GraphQLError(error.message, nodes=error.nodes, source=error.source, positions=error.positions,
                        path=error.path, extensions={"code": code.value})
