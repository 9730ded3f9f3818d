"""The error codes clients branch on (``extensions.code``), one constructor each."""

from __future__ import annotations

from enum import StrEnum

from graphql import GraphQLError


class ErrorCode(StrEnum):
    BAD_USER_INPUT = "BAD_USER_INPUT"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    PARTICIPANT_SERVICE_UNAVAILABLE = "PARTICIPANT_SERVICE_UNAVAILABLE"
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
    RATE_LIMITED = "RATE_LIMITED"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


def coded_error(code: ErrorCode, message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code.value})


def bad_user_input(message: str) -> GraphQLError:
    return coded_error(ErrorCode.BAD_USER_INPUT, message)
