"""The HTTP surface: ``/graphql`` (with GraphiQL), ``/healthz``, ``/readyz`` and ``/metrics``."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.types import ExecutionResult

from core.config import Config
from core.metrics import CONTENT_TYPE, Metrics
from gateway.middleware import BodyLimit, RequestMetrics
from gateway.participants import ParticipantService
from gateway.ratelimit import RateLimit
from gateway.response_cache import ResponseCache
from gateway.snapshots import OwnRefresher, SnapshotSource
from refresher.catalogue import check_adapters
from schema import RequestContext, build_fast_path, build_schema, public_errors


class _Rendered(ExecutionResult):
    """An answer the fast path rendered whole."""

    def __init__(self, body: bytes) -> None:
        super().__init__(data=None, errors=None)
        self.body = body


class _Encoded(dict[str, object]):
    """The processed form of a :class:`_Rendered`: :meth:`GraphQLEndpoint.encode_json` sends its bytes as they are."""

    def __init__(self, body: bytes) -> None:
        super().__init__()
        self.body = body


class GraphQLEndpoint(GraphQL[RequestContext, None]):
    """Strawberry's ASGI view, with a context that pins one snapshot and one caller for the whole request, behind
    a cache of anonymous answers; the operations the fast path covers skip strawberry's execution."""

    def __init__(self, config: Config, catalogue: SnapshotSource, participants: ParticipantService,
                 metrics: Metrics) -> None:
        schema = build_schema(config.limits)
        super().__init__(schema, graphql_ide="graphiql", allow_queries_via_get=True)
        self._fast = build_fast_path(schema, config.limits) if config.server.fast_path else None
        self._executions = {path: metrics.executions.labels(path) for path in ("fast", "general")}
        self._config = config
        self._catalogue = catalogue
        self._participants = participants
        self._responses = ResponseCache(super().__call__, lambda: catalogue.snapshot.version, metrics)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._responses(scope, receive, send)

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> RequestContext:
        # Every request with a token waits for it (at most participants.timeout_s): an invalid token must be
        # reported whatever the query asked for.
        caller = await self._participants.caller_of(request.headers.getlist("authorization"))
        context = RequestContext.of(self._config, self._catalogue.snapshot, caller)
        request.state.graphql_context = context
        return context

    async def execute_single(self, request: Request, request_adapter: AsyncHTTPRequestAdapter,
                             sub_response: Response, context: RequestContext, root_value: None,
                             request_data: GraphQLRequestData) -> ExecutionResult:
        if self._fast is not None and request_data.query is not None and not request_data.extensions:
            body = self._fast.execute(request_data.query, request_data.variables, request_data.operation_name,
                                      context)
            if body is not None:
                self._executions["fast"].inc()
                return _Rendered(body)
        self._executions["general"].inc()
        return await super().execute_single(request, request_adapter, sub_response, context, root_value,
                                            request_data)

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        if isinstance(result, _Rendered):
            rendered_for: RequestContext = request.state.graphql_context
            ResponseCache.cacheable(request, None if rendered_for.errors else rendered_for.snapshot.version)
            return _Encoded(result.body)  # type: ignore[return-value]
        # Here, not in a schema extension: errors raised before execution (a syntax error) never reach those.
        context = getattr(request.state, "graphql_context", None)
        errors = [*public_errors(result.errors or ()), *(context.errors if context else ())]
        response: GraphQLHTTPResponse = {"data": result.data}
        if errors:
            response["errors"] = [error.formatted for error in errors]
        if result.extensions:
            response["extensions"] = result.extensions
        ResponseCache.cacheable(request, None if errors or context is None else context.snapshot.version)
        return response

    def encode_json(self, data: object) -> bytes:
        return data.body if isinstance(data, _Encoded) else orjson.dumps(data)


def create_app(config: Config, run_dir: Path | None = None, metrics: Metrics | None = None) -> Starlette:
    """The gateway as an ASGI app serving the catalogue images written into ``run_dir``; with no ``run_dir``, its
    lifespan starts a refresher process of its own (one process playing both roles)."""
    check_adapters(config)
    metrics = metrics or Metrics()
    refresher = OwnRefresher(config) if run_dir is None else None
    catalogue = SnapshotSource(run_dir or refresher.run_dir)  # type: ignore[union-attr]
    participants = ParticipantService(config.participants, metrics)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        snapshot = catalogue.snapshot
        status = catalogue.refresher_status()
        body: dict[str, Any] = {
            "ready": snapshot.ready,
            "process": os.getpid(),
            "platforms": {p.slug: p.slug in snapshot.feeds and snapshot.feeds[p.slug].attempted
                          for p in config.enabled_platforms},
            "catalogue": {"version": snapshot.version, "age_s": catalogue.age_s},
            "reader": status.get("reader"),
            "redis": status.get("redis"),
        }
        return JSONResponse(body, status_code=200 if snapshot.ready else 503)

    async def prometheus(request: Request) -> Response:
        status = catalogue.refresher_status()
        metrics.catalogue_version.set(catalogue.snapshot.version)
        metrics.catalogue_age.set(catalogue.age_s or 0)
        metrics.reader.set(int(bool(status.get("reader"))))
        metrics.redis_reachable.set(int(bool(status.get("redis"))))
        return PlainTextResponse(metrics.render() + catalogue.refresher_metrics(), media_type=CONTENT_TYPE)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await participants.start()
        if refresher is not None:
            refresher.start()
        await catalogue.start()
        try:
            yield
        finally:
            await catalogue.stop()
            if refresher is not None:
                await asyncio.to_thread(refresher.stop)
            await participants.stop()

    graphql = GraphQLEndpoint(config, catalogue, participants, metrics)
    routes = [
        Route("/graphql", graphql, methods=["GET", "POST"]),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/metrics", prometheus),
    ]
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(RequestMetrics, metrics=metrics, routes=frozenset(route.path for route in routes)),
            Middleware(BodyLimit, max_bytes=config.limits.max_body_bytes),
            Middleware(CORSMiddleware, allow_origins=list(config.server.cors_origins),
                       allow_methods=["GET", "POST"], allow_headers=["Authorization", "Content-Type"],
                       expose_headers=["Retry-After"]),
            # Inside CORS: preflights are not counted, and a browser app can read the refusal.
            Middleware(RateLimit, path="/graphql", per_minute=config.limits.rate_limit_per_minute),
        ],
        lifespan=lifespan,
    )
    app.state.catalogue = catalogue
    app.state.metrics = metrics
    return app
