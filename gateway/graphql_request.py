"""The one place where an HTTP request becomes a GraphQL request (GraphQL over HTTP: GET and POST).

Whatever a client sends, the answer is a :class:`GraphQLRequest` or a :class:`RequestRefused` holding the HTTP
status and a coded error: a method other than GET and POST, a POST whose content type is not JSON, an empty body,
a body that is not UTF-8 or not JSON (orjson also refuses numbers out of range and nesting past its limit), a batch
(a JSON array), a body that is not an object, parameters of the wrong type, variables or extensions nested deeper
than ``max_nesting``. Nothing here raises anything else.

Which query text runs is decided after this: a request may carry only a persisted query's hash
(``extensions.persistedQuery``), so ``query`` may be ``None`` here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import orjson
from graphql import GraphQLError
from starlette.requests import ClientDisconnect, Request

from schema.errors import bad_user_input

MAX_NESTING = 32
"""Levels of arrays and objects in ``variables`` or ``extensions``: no input of the schema nests more than a few,
and value coercion and the response cache's key recurse once per level."""


class MediaType(StrEnum):
    """What an answer is sent as: the GraphQL-over-HTTP media type when the client accepts it, else plain JSON."""

    GRAPHQL_RESPONSE = "application/graphql-response+json"
    JSON = "application/json"


@dataclass(frozen=True, slots=True)
class GraphQLRequest:
    query: str | None
    """The document's text; ``None`` when the request names a persisted query by its hash only."""
    variables: dict[str, Any] = field(default_factory=dict)
    operation_name: str | None = None
    extensions: dict[str, Any] = field(default_factory=dict)
    method: str = "POST"


class RequestRefused(Exception):
    """A request that is not a GraphQL request: answered with ``status`` and one coded error, nothing executed."""

    def __init__(self, status: int, error: GraphQLError, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(error.message)
        self.status = status
        self.error = error
        self.headers = dict(headers or {})


def refused(message: str, status: int = 400, headers: Mapping[str, str] | None = None) -> RequestRefused:
    return RequestRefused(status, bad_user_input(message), headers)


def response_media_type(accept: str | None) -> MediaType:
    """The media type to answer in: ``application/graphql-response+json`` when the client prefers it or accepts it
    as much as JSON; JSON otherwise, also when there is no Accept header (the spec's legacy default)."""
    weights: dict[str, float] = {}
    for item in (accept or "").split(","):
        name, *parameters = item.split(";")
        weight = 1.0
        for parameter in parameters:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        weights[name.strip().lower()] = max(weight, weights.get(name.strip().lower(), 0.0))
    preferred = weights.get(MediaType.GRAPHQL_RESPONSE, 0.0)
    if preferred > 0 and preferred >= weights.get(MediaType.JSON, 0.0):
        return MediaType.GRAPHQL_RESPONSE
    return MediaType.JSON


async def read_graphql_request(request: Request, max_nesting: int = MAX_NESTING) -> GraphQLRequest:
    """The GraphQL request an HTTP request carries; raises :class:`RequestRefused` for anything else."""
    if request.method == "GET":
        return _from_parameters(_query_parameters(request), "GET", max_nesting)
    if request.method != "POST":
        raise refused(f"{request.method} is not supported: send a GraphQL request by GET or POST", 405,
                      {"Allow": "GET, POST"})
    _check_json_content_type(request.headers.get("content-type"))
    try:
        body = await request.body()
    except ClientDisconnect:
        raise refused("the request body was not received whole") from None
    if not body.strip():
        raise refused("the request body is empty: send a JSON object with a 'query'")
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise refused(f"the request body is not valid JSON: {_reason(exc)}") from None
    if isinstance(document, list):
        raise refused("batched requests (a JSON array) are not supported: send one operation per request")
    if not isinstance(document, dict):
        raise refused("the request body must be a JSON object with a 'query'")
    return _from_parameters(document, "POST", max_nesting)


def _check_json_content_type(content_type: str | None) -> None:
    if content_type is None:
        raise refused("a POST needs 'Content-Type: application/json'", 415)
    media, *parameters = (part.strip().lower() for part in content_type.split(";"))
    if media != "application/json":
        raise refused(f"content type {media!r} is not supported: send 'application/json'", 415)
    for parameter in parameters:
        key, _, value = parameter.partition("=")
        if key.strip() == "charset" and value.strip().strip('"') not in ("utf-8", "utf8"):
            raise refused(f"charset {value.strip()!r} is not supported: send UTF-8", 415)


def _query_parameters(request: Request) -> dict[str, Any]:
    """GET parameters, with ``variables`` and ``extensions`` decoded from their JSON text."""
    parameters: dict[str, Any] = dict(request.query_params)
    for name in ("variables", "extensions"):
        text = parameters.get(name)
        if text is None or text == "":
            parameters.pop(name, None)
            continue
        try:
            parameters[name] = orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            raise refused(f"'{name}' is not valid JSON: {_reason(exc)}") from None
        if not isinstance(parameters[name], dict | None):
            raise refused(f"'{name}' must be a JSON object")
    return parameters


def _from_parameters(parameters: Mapping[str, Any], method: str, max_nesting: int) -> GraphQLRequest:
    query = parameters.get("query")
    if not isinstance(query, str | None):
        raise refused("'query' must be a string")
    operation_name = parameters.get("operationName")
    if not isinstance(operation_name, str | None):
        raise refused("'operationName' must be a string")
    variables = parameters.get("variables")
    if not isinstance(variables, dict | None):
        raise refused("'variables' must be an object")
    extensions = parameters.get("extensions")
    if not isinstance(extensions, dict | None):
        raise refused("'extensions' must be an object")
    for name, value in (("variables", variables), ("extensions", extensions)):
        if value and not _nests_within(value, max_nesting):
            raise refused(f"'{name}' nests deeper than {max_nesting} levels")
    if query is None and not (extensions and "persistedQuery" in extensions):
        raise refused("the request has no 'query'")
    return GraphQLRequest(query, variables or {}, operation_name or None, extensions or {}, method)


def _nests_within(value: object, limit: int) -> bool:
    """Whether ``value`` holds arrays and objects at most ``limit`` levels deep; without recursion."""
    level: list[object] = [value]
    for _ in range(limit):
        level = [child for item in level
                 for child in (item.values() if isinstance(item, dict) else item if isinstance(item, list) else ())]
        if not level:
            return True
    return not any(isinstance(item, dict | list) for item in level)


def _reason(error: orjson.JSONDecodeError) -> str:
    """orjson's reason, without the position (a client sees where in its own text) and in a client's words."""
    return "it is not UTF-8 text" if "UTF-8" in error.msg else str(error.msg)
