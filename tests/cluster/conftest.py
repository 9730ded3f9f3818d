"""A real redis-server per test, settings scaled down so the whole directory runs in seconds, and a poll helper."""

from __future__ import annotations

import asyncio
import inspect
import json
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from cluster import CatalogueMember, ClusterSettings, RedisLink
from sandbox.redis_server import RedisServer

CHECKOUT = Path(__file__).parents[2]
# Generous next to loopback round trips, so a busy machine does not make Redis look away.
CALL_TIMEOUT_S = 0.5
# Deadline for something that should happen within a few leases or polls: a failure, not a measure of speed.
EVENTUALLY_S = 20.0
_POLL_S = 0.05


def fast_settings(redis_url: str) -> ClusterSettings:
    return ClusterSettings(redis_url, call_timeout_s=CALL_TIMEOUT_S, transfer_timeout_s=5.0, reconnect_interval_s=0.2,
                           lease_ttl_s=3.0, catalogue_poll_s=0.5)


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    with RedisServer() as server:
        yield server


@pytest.fixture
def settings(redis_server: RedisServer) -> ClusterSettings:
    return fast_settings(redis_server.url)


@pytest.fixture
async def link(settings: ClusterSettings) -> AsyncIterator[RedisLink]:
    link = RedisLink(settings)
    yield link
    await link.aclose()


@pytest.fixture
async def members(settings: ClusterSettings) -> AsyncIterator[Callable[[], Awaitable[CatalogueMember]]]:
    """Starts refresher members of one deployment in this process on demand, each on its own link; all closed after."""
    started: list[CatalogueMember] = []

    async def start() -> CatalogueMember:
        member = CatalogueMember(settings)
        started.append(member)
        await member.start()
        return member

    yield start
    for member in started:
        await member.aclose()


async def eventually(condition: Callable[[], bool | Awaitable[bool]], what: str) -> None:
    """Polls ``condition`` until it holds; fails the test if it does not within ``EVENTUALLY_S``."""
    for _ in range(round(EVENTUALLY_S / _POLL_S)):
        holds = condition()
        if await holds if inspect.isawaitable(holds) else holds:
            return
        await asyncio.sleep(_POLL_S)
    pytest.fail(f"never happened: {what}")


class MemberProcess:
    """tests/cluster/member_process.py running in a child process; its events collected as they come."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.events: list[dict[str, Any]] = []
        self._reading = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.process.stdout is not None
        async for line in self.process.stdout:
            self.events.append(json.loads(line))

    def send(self, command: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(f"{command}\n".encode())

    def last(self, event: str) -> dict[str, Any] | None:
        return next((seen for seen in reversed(self.events) if seen["event"] == event), None)

    async def next_event(self, event: str) -> dict[str, Any]:
        """The first ``event`` reported from now on."""
        already = len(self.events)
        await eventually(lambda: any(seen["event"] == event for seen in self.events[already:]), f"a {event} event")
        return next(seen for seen in self.events[already:] if seen["event"] == event)

    @property
    def is_reader(self) -> bool:
        reader = self.last("reader")
        started = self.last("started")
        return bool(reader["value"] if reader else started and started["reader"])

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.kill()
        await self.process.wait()
        await self._reading


@pytest.fixture
async def member_processes(redis_server: RedisServer) -> AsyncIterator[Callable[[], Awaitable[MemberProcess]]]:
    """Starts member processes of the test's deployment on demand, each reported once it has started."""
    started: list[MemberProcess] = []

    async def start() -> MemberProcess:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.cluster.member_process", redis_server.url, cwd=CHECKOUT,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
        member = MemberProcess(process)
        started.append(member)
        await eventually(lambda: member.last("started") is not None, "a member process starting")
        return member

    yield start
    for member in started:
        await member.stop()
