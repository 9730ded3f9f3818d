"""The HTTP surface: ``/graphql`` (with GraphiQL), ``/healthz``, ``/readyz``, ``/metrics`` and the page at ``/``."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from core.config import Config
from core.metrics import CONTENT_TYPE, Metrics
from gateway.middleware import BodyLimit, RequestMetrics
from gateway.participants import ParticipantService
from gateway.ratelimit import RateLimit
from gateway.response_cache import ResponseCache
from gateway.snapshots import OwnRefresher, SnapshotSource
from gateway.ui.routes import page_routes
from refresher.catalogue import check_adapters
from schema import RequestContext, build_schema, public_errors


class GraphQLEndpoint(GraphQL[RequestContext, None]):
    """Strawberry's ASGI view, with a context that pins one snapshot and one caller for the whole request, behind
    a cache of anonymous answers."""

    def __init__(self, config: Config, catalogue: SnapshotSource, participants: ParticipantService,
                 metrics: Metrics) -> None:
        super().__init__(build_schema(config.limits), graphql_ide="graphiql", allow_queries_via_get=True)
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

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        # Here, not in a schema extension: errors raised before execution (a syntax error) never reach those.
        context: RequestContext | None = getattr(request.state, "graphql_context", None)
        errors = [*public_errors(result.errors or ()), *(context.errors if context else ())]
        response: GraphQLHTTPResponse = {"data": result.data}
        if errors:
            response["errors"] = [error.formatted for error in errors]
        if result.extensions:
            response["extensions"] = result.extensions
        ResponseCache.cacheable(request, None if errors or context is None else context.snapshot.version)
        return response

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)


def create_app(config: Config, run_dir: Path | None = None, metrics: Metrics | None = None,
               demo_participants: Mapping[str, str] | None = None) -> Starlette:
    """The gateway as an ASGI app serving the catalogue images written into ``run_dir``; with no ``run_dir``, its
    lifespan starts a refresher process of its own (one process playing both roles).

    ``demo_participants`` (token → label): the demo's, offered on the page to sign in with; never in production.
    """
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
        *(page_routes(demo_participants or {}) if config.server.ui else ()),
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
