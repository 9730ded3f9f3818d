"""The HTTP surface: ``/graphql`` (with GraphiQL), ``/healthz``, ``/readyz`` and ``/metrics``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from core.config import Config
from core.metrics import CONTENT_TYPE, Metrics
from gateway.graphql_view import FastPath, GraphQLView
from gateway.middleware import BodyLimit, RequestMetrics
from gateway.participants import ParticipantService
from gateway.persisted_queries import PersistedQueries, SharedQueries
from gateway.ratelimit import RateLimit
from gateway.response_cache import ResponseCache
from refresher.catalogue import Catalogue
from schema import build_schema

PERSISTED_QUERY_BYTES = 16 * 1024 * 1024
"""Memory for the texts of automatic persisted queries; the least recently used go first."""


def create_app(config: Config, catalogue: Catalogue | None = None, metrics: Metrics | None = None, *,
               shared_queries: SharedQueries | None = None, fast_path: FastPath | None = None) -> Starlette:
    """The gateway as an ASGI app; its lifespan starts and stops the background refreshes and upstream sessions.

    ``shared_queries`` is the tier of persisted queries every process of a deployment shares, behind memory;
    ``fast_path`` an executor tried before strawberry's (see :class:`gateway.graphql_view.FastPath`).
    """
    metrics = metrics or Metrics()
    catalogue = catalogue or Catalogue(config, metrics)
    participants = ParticipantService(config.participants, metrics)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        feeds = catalogue.snapshot.feeds.values()
        body: dict[str, Any] = {"ready": catalogue.ready,
                                "platforms": {feed.slug: feed.attempted for feed in feeds}}
        return JSONResponse(body, status_code=200 if catalogue.ready else 503)

    async def prometheus(request: Request) -> Response:
        return PlainTextResponse(metrics.render(), media_type=CONTENT_TYPE)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await participants.start()
        await catalogue.start()
        try:
            yield
        finally:
            await catalogue.stop()
            await participants.stop()

    graphql = GraphQLView(
        build_schema(config.limits), config, catalogue, participants,
        responses=ResponseCache(lambda: catalogue.snapshot.version, metrics),
        persisted=PersistedQueries(PERSISTED_QUERY_BYTES, shared_queries),
        fast_path=fast_path,
    )
    routes = [
        Route("/graphql", graphql),  # every method: the view answers those it does not serve with a coded 405
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
