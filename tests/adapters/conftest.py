"""A platform on loopback for adapter tests: real HTTP, answers set by each test.

``upstream.on(path, reply, ...)`` says what the platform answers at ``path`` (replies in turn, the last one
repeating); ``await upstream.fetch("skillacademy")`` runs that adapter against it and returns its ``FeedResult``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import orjson
import pytest_asyncio
from aiohttp import web
from multidict import CIMultiDictProxy, MultiMapping

from adapters import ADAPTERS, Adapter
from core.config import PlatformConfig
from core.domain import FeedResult, Listing


@dataclass(frozen=True)
class Reply:
    """What the platform answers to one request."""

    body: bytes = b""
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    declared_length: int | None = None
    """Announce this Content-Length, send the body, then drop the connection: a truncated body."""
    hang: bool = False
    """Never answer, or with ``declared_length`` stop after the partial body, until the test is over."""
    delay_s: float = 0.0
    """Wait this long before answering: a slow platform."""


def json_reply(payload: Any, *, status: int = 200, headers: Mapping[str, str] | None = None) -> Reply:
    return Reply(orjson.dumps(payload), status, {"Content-Type": "application/json", **(headers or {})})


@dataclass(frozen=True)
class Seen:
    """A request as the platform received it."""

    method: str
    path: str
    query: MultiMapping[str]
    headers: CIMultiDictProxy[str]
    body: bytes

    def json(self) -> Any:
        return orjson.loads(self.body)


Answer = Reply | Callable[[Seen], Reply]


class Upstream:
    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session
        self.base_url = ""
        self.requests: list[Seen] = []
        self._routes: dict[tuple[str, str], list[Answer]] = {}
        self._released = asyncio.Event()

    def on(self, path: str, *answers: Answer, method: str = "GET") -> None:
        """Answer ``method path`` (any query) with these in turn; the last one answers every later request."""
        self._routes[method, path] = list(answers)

    def adapter(
        self,
        adapter: str | type[Adapter],
        *,
        slug: str | None = None,
        name: str = "",
        api_key: str = "",
        timeout_s: float = 2.0,
        base_url: str | None = None,
    ) -> Adapter:
        cls = ADAPTERS[adapter] if isinstance(adapter, str) else adapter
        platform = PlatformConfig(
            slug=slug or (adapter if isinstance(adapter, str) else "test"),
            base_url=base_url or self.base_url,
            name=name,
            adapter=adapter if isinstance(adapter, str) else "",
            timeout_s=timeout_s,
            api_key=api_key,
        )
        return cls(platform, self.session)

    async def fetch(self, adapter: str | type[Adapter], *, budget_s: float = 5.0, **config: Any) -> FeedResult:
        return await self.adapter(adapter, **config).fetch(budget_s=budget_s)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        seen = Seen(request.method, request.path, request.query, request.headers, await request.read())
        self.requests.append(seen)
        answers = self._routes.get((request.method, request.path))
        if not answers:
            return web.Response(status=404, text="no such route in this test")
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        reply = answer(seen) if callable(answer) else answer
        await asyncio.sleep(reply.delay_s)
        if reply.declared_length is None:
            if reply.hang:
                await self._released.wait()
            return web.Response(status=reply.status, body=reply.body, headers=reply.headers)
        response = web.StreamResponse(
            status=reply.status, headers={**reply.headers, "Content-Length": str(reply.declared_length)}
        )
        await response.prepare(request)
        await response.write(reply.body)
        if reply.hang:
            await self._released.wait()
        if request.transport is not None:
            request.transport.close()
        return response

    def release(self) -> None:
        self._released.set()


@pytest_asyncio.fixture(loop_scope="function")
async def upstream() -> AsyncIterator[Upstream]:
    app = web.Application()
    async with aiohttp.ClientSession(auto_decompress=True) as session:
        platform = Upstream(session)
        app.router.add_route("*", "/{tail:.*}", platform.handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        platform.base_url = f"http://{host}:{port}"
        try:
            yield platform
        finally:
            platform.release()
            await runner.cleanup()


def by_id(result: FeedResult) -> dict[str, Listing]:
    return {listing.listing_id: listing for listing in result.listings}

