"""The ASGI middleware around every route: request metrics and the request body cap."""

from __future__ import annotations

import asyncio
import time

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.metrics import Metrics
from schema.errors import bad_user_input


class BodyLimit:
    """Answers 413 to a request body larger than ``max_bytes``, before any of it is parsed, and 408 to one not all
    received within ``read_timeout_s`` of the request's head (a client trickling it holds a connection, and the
    memory of what it sent so far, for as long as it likes otherwise). Both answers close the connection."""

    def __init__(self, app: ASGIApp, max_bytes: int, read_timeout_s: float) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.read_timeout_s = read_timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await _refuse(413, "request body too large", scope, receive, send)
            return
        seen = 0
        deadline = asyncio.get_running_loop().time() + self.read_timeout_s
        complete = False

        async def counted() -> Message:
            nonlocal seen, complete
            if complete:
                return await receive()  # after the body, only a disconnect: the deadline is over
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                raise _BodyTooSlow from None
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                raise _BodyTooLarge
            complete = message["type"] != "http.request" or not message.get("more_body", False)
            return message

        try:
            await self.app(scope, counted, send)
        except _BodyTooLarge:
            await _refuse(413, "request body too large", scope, receive, send)
        except _BodyTooSlow:
            await _refuse(408, f"the request body was not all sent within {self.read_timeout_s:g} s", scope,
                          receive, send)


class _BodyTooLarge(Exception):
    pass


class _BodyTooSlow(Exception):
    pass


async def _refuse(status: int, message: str, scope: Scope, receive: Receive, send: Send) -> None:
    error = bad_user_input(message)
    response = JSONResponse({"errors": [error.formatted]}, status_code=status, headers={"Connection": "close"})
    await response(scope, receive, send)


class RequestMetrics:
    """Counts every request and times it, by route; paths that are not ``routes`` count as ``other``, so a scan of
    random paths cannot grow the metrics without bound."""

    def __init__(self, app: ASGIApp, metrics: Metrics, routes: frozenset[str]) -> None:
        self.app = app
        self.metrics = metrics
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        route = scope["path"] if scope["path"] in self.routes else "other"
        started = time.perf_counter()
        status = 500

        async def observed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, observed)
        finally:
            self.metrics.latency.labels(route).observe(time.perf_counter() - started)
            self.metrics.requests.labels(route, f"{status // 100}xx").inc()
