"""The HTTP surface: ``/graphql`` (with GraphiQL), ``/healthz``, ``/readyz``, for operations ``/metrics`` and
``/metrics/feeds``, and the participants' page at ``/``."""

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

from cluster import ClusterSettings, RedisLink, SharedQueryStore
from core.config import Config
from core.metrics import CONTENT_TYPE, Metrics
from gateway.graphql_view import FastPath, GraphQLView
from gateway.middleware import BodyLimit, RequestMetrics
from gateway.participants import ParticipantService
from gateway.persisted_queries import PersistedQueries, SharedQueries
from gateway.ratelimit import RateLimit
from gateway.response_cache import ResponseCache
from gateway.snapshots import OwnRefresher, SnapshotSource
from gateway.ui.routes import page_routes
from refresher.catalogue import check_adapters
from schema import build_fast_path, build_schema

PERSISTED_QUERY_BYTES = 16 * 1024 * 1024
"""Memory for the texts of automatic persisted queries; the least recently used go first."""


def create_app(config: Config, run_dir: Path | None = None, metrics: Metrics | None = None, *,
               shared_queries: SharedQueries | None = None, fast_path: FastPath | None = None,
               demo_participants: Mapping[str, str] | None = None) -> Starlette:
    """The gateway as an ASGI app serving the catalogue images written into ``run_dir``; with no ``run_dir``, its
    lifespan starts a refresher process of its own (one process playing both roles).

    ``shared_queries`` is the tier of persisted queries every process of a deployment shares, behind memory;
    ``fast_path`` an executor tried before strawberry's (see :class:`gateway.graphql_view.FastPath`); by default
    :mod:`schema.fast`'s, unless ``[server] fast_path = false``.
    ``demo_participants`` (token → label): the demo's, offered on the page to sign in with; never in production.
    """
    check_adapters(config)
    metrics = metrics or Metrics()
    refresher = OwnRefresher(config) if run_dir is None else None
    catalogue = SnapshotSource(run_dir or refresher.run_dir)  # type: ignore[union-attr]
    participants = ParticipantService(config.participants, metrics)
    # Serving processes of a deployment share rate limits and persisted queries through Redis, on a link of their own.
    link = RedisLink(ClusterSettings(redis_url=config.cluster.redis_url)) if config.cluster.redis_url else None
    if link is not None and shared_queries is None:
        shared_queries = SharedQueryStore(link)

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

    async def feed_reports(request: Request) -> Response:
        # Beside /metrics, so that whatever keeps /metrics off the public listener keeps this off it too.
        body = {feed.slug: {"name": feed.name, "last_success_at": feed.last_success_at, "last_error": feed.last_error,
                            "report": feed.report.to_json() if feed.report else None}
                for feed in catalogue.snapshot.feeds.values()}
        return Response(orjson.dumps({"platforms": body}), media_type="application/json")

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
            if link is not None:
                await link.aclose()

    schema = build_schema(config.limits, metrics)
    if fast_path is None and config.server.fast_path:
        fast_path = build_fast_path(schema, config.limits)
    graphql = GraphQLView(
        schema, config, catalogue, participants,
        responses=ResponseCache(lambda: catalogue.snapshot.version, metrics),
        persisted=PersistedQueries(PERSISTED_QUERY_BYTES, shared_queries),
        fast_path=fast_path, metrics=metrics,
    )
    routes = [
        Route("/graphql", graphql),  # every method: the view answers those it does not serve with a coded 405
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/metrics", prometheus),
        Route("/metrics/feeds", feed_reports),
        *(page_routes(demo_participants or {}) if config.server.ui else ()),
    ]
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(RequestMetrics, metrics=metrics, routes=frozenset(route.path for route in routes)),
            Middleware(BodyLimit, max_bytes=config.limits.max_body_bytes,
                       read_timeout_s=config.server.read_timeout_s),
            Middleware(CORSMiddleware, allow_origins=list(config.server.cors_origins),
                       allow_methods=["GET", "POST"], allow_headers=["Authorization", "Content-Type"],
                       expose_headers=["Retry-After"]),
            # Inside CORS: preflights are not counted, and a browser app can read the refusal.
            Middleware(RateLimit, path="/graphql", per_minute=config.limits.rate_limit_per_minute, shared=link),
        ],
        lifespan=lifespan,
    )
    app.state.catalogue = catalogue
    app.state.metrics = metrics
    return app
