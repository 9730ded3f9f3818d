"""``/graphql``: GraphiQL for a browser, else one GraphQL request answered as the GraphQL-over-HTTP spec says.

The status code follows the media type the client accepts. With ``application/graphql-response+json`` a request
that is never executed (a syntax or validation error, variables that do not fit, an unknown operation, an
unknown persisted query) is a 400 without ``data``; with plain ``application/json`` it is a 200, as the spec asks
of servers that legacy clients may call. An HTTP request that is no GraphQL request at all is a 4xx either way.
Every error carries ``extensions.code``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any, Protocol

import orjson
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send
from strawberry import Schema
from strawberry.exceptions import MissingQueryError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.execution import PreExecutionError
from strawberry.types.graphql import OperationType

from core.config import Config
from core.metrics import Metrics
from gateway.graphql_request import GraphQLRequest, MediaType, RequestRefused, read_graphql_request
from gateway.graphql_request import response_media_type as media_type_for
from gateway.participants import ParticipantService
from gateway.persisted_queries import PersistedQueries, PersistedQueryNotFound
from gateway.response_cache import ResponseCache
from gateway.snapshots import SnapshotSource
from schema import RequestContext, public_errors
from schema.errors import bad_user_input

GRAPHIQL_PAGE = files("gateway").joinpath("static/graphiql.html").read_text(encoding="utf-8")


class FastPath(Protocol):
    """An executor tried before the general one (strawberry's). ``document`` is the query text.

    It returns the whole answer's bytes (``{"data": ...}``, no errors) for a request it can serve exactly as the
    general path would, and ``None`` for any other (an error, a shape it does not know): the general path then
    answers. It is only asked when the caller has no error of its own (an invalid token) to be reported.
    """

    def execute(self, document: str, variables: Mapping[str, Any], operation_name: str | None,
                context: RequestContext) -> bytes | None: ...


@dataclass(frozen=True, slots=True)
class _Answer:
    body: bytes
    status: int
    kept: bool
    """Whether it may be kept and sent again to anyone anonymous (no error, the current snapshot)."""
    headers: Mapping[str, str] = field(default_factory=dict)


class GraphQLView:
    """The ASGI app of ``/graphql``."""

    def __init__(self, schema: Schema, config: Config, catalogue: SnapshotSource, participants: ParticipantService,
                 responses: ResponseCache, persisted: PersistedQueries, fast_path: FastPath | None = None,
                 metrics: Metrics | None = None) -> None:
        self._schema = schema
        self._config = config
        self._catalogue = catalogue
        self._participants = participants
        self._responses = responses
        self._persisted = persisted
        self._fast_path = fast_path
        executions = (metrics or Metrics()).executions
        self._fast, self._general = executions.labels("fast"), executions.labels("general")
        # A CDN may keep an anonymous GET answer until the next refresh could have changed it, no longer.
        self._shared_max_age_s = int(config.catalogue.refresh_interval_s)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        response = await self._respond(request)
        await response(scope, receive, send)

    async def _respond(self, request: Request) -> Response:
        media_type = media_type_for(request.headers.get("accept"))
        if self._config.server.graphiql and _opens_graphiql(request):
            return HTMLResponse(GRAPHIQL_PAGE)
        try:
            graphql = await read_graphql_request(request)
            query = await self._persisted.query_of(graphql)
        except RequestRefused as exc:
            return self._send(_errors_body([exc.error]), exc.status, media_type, request, exc.headers)
        except PersistedQueryNotFound as exc:
            return self._send(_errors_body([exc.error]), _request_error_status(media_type), media_type, request)

        anonymous = "authorization" not in request.headers
        key = ResponseCache.key(query, graphql.variables, graphql.operation_name) if anonymous else None
        if key is not None and (kept := self._responses.get(key)) is not None:
            return self._send(kept, 200, media_type, request, cacheable=True)

        caller = await self._participants.caller_of(request.headers.getlist("authorization"))
        context = RequestContext.of(self._config, self._catalogue.snapshot, caller)
        answer = await self._answer(query, graphql, context, media_type)
        if key is not None and answer.kept:
            self._responses.put(key, context.snapshot.version, answer.body)
        return self._send(answer.body, answer.status, media_type, request, answer.headers,
                          cacheable=anonymous and answer.kept)

    async def _answer(self, query: str, graphql: GraphQLRequest, context: RequestContext,
                      media_type: MediaType) -> _Answer:
        if self._fast_path is not None and not context.errors:
            body = self._fast_path.execute(query, graphql.variables, graphql.operation_name, context)
            if body is not None:
                self._fast.inc()
                return _Answer(body, 200, kept=True)
        self._general.inc()
        try:
            result = await self._schema.execute(
                query, variable_values=graphql.variables, context_value=context,
                operation_name=graphql.operation_name, allowed_operation_types=(OperationType.QUERY,),
            )
        except MissingQueryError:  # an empty text, given as 'query' or registered under its hash
            return _Answer(_errors_body([_EMPTY_QUERY, *context.errors]), _request_error_status(media_type),
                           kept=False)
        except CannotGetOperationTypeError:
            return _Answer(_errors_body([_unknown_operation(graphql.operation_name), *context.errors]),
                           _request_error_status(media_type), kept=False)
        except InvalidOperationTypeError:
            body = _errors_body([_ONLY_QUERIES, *context.errors])
            if graphql.method == "GET":  # the spec's answer to a mutation sent by GET
                return _Answer(body, 405, kept=False, headers={"Allow": "POST"})
            return _Answer(body, _request_error_status(media_type), kept=False)
        errors = [*public_errors(result.errors or ()), *context.errors]
        if _never_executed(result):
            return _Answer(_errors_body(errors), _request_error_status(media_type), kept=False)
        answer: dict[str, Any] = {"data": result.data}
        if errors:
            answer["errors"] = [error.formatted for error in errors]
        if result.extensions:
            answer["extensions"] = result.extensions
        return _Answer(orjson.dumps(answer), 200, kept=not errors)

    def _send(self, body: bytes, status: int, media_type: MediaType, request: Request,
              headers: Mapping[str, str] | None = None, *, cacheable: bool = False) -> Response:
        response = Response(body, status, dict(headers or {}), media_type=f"{media_type}; charset=utf-8")
        if request.method == "GET":
            response.headers["Cache-Control"] = (f"public, max-age={self._shared_max_age_s}" if cacheable
                                                 else "no-store")
            response.headers["Vary"] = "Accept, Authorization"
        return response


def _opens_graphiql(request: Request) -> bool:
    """A browser opening the endpoint: a GET for HTML that carries no GraphQL request."""
    return (request.method == "GET" and "text/html" in request.headers.get("accept", "")
            and "query" not in request.query_params and "extensions" not in request.query_params)


def _never_executed(result: ExecutionResult) -> bool:
    """A syntax or validation error, or variables that do not fit: no field ran, so there is no ``data``.

    graphql-core reports variable errors like a failed execution (``data`` null), but without any path."""
    if isinstance(result, PreExecutionError):
        return True
    errors = result.errors or ()
    return result.data is None and bool(errors) and all(error.path is None for error in errors)


def _request_error_status(media_type: MediaType) -> int:
    return 400 if media_type is MediaType.GRAPHQL_RESPONSE else 200


def _errors_body(errors: Sequence[GraphQLError]) -> bytes:
    return orjson.dumps({"errors": [error.formatted for error in errors]})


def _unknown_operation(name: str | None) -> GraphQLError:
    if name is not None:
        return bad_user_input(f"the document has no operation named {name!r}")
    return bad_user_input("the document must hold exactly one operation, or 'operationName' must name one")


_EMPTY_QUERY = bad_user_input("the query is empty")
_ONLY_QUERIES = bad_user_input("only queries are served: the schema has no mutation and no subscription")
