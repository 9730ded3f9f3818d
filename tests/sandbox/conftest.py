"""A sandbox shared by the whole session, reset after each test; a fresh HTTP client per test."""

from __future__ import annotations

import inspect
import socket
from collections.abc import AsyncIterator, Iterator
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from sandbox import DemoCatalogue, Sandbox, generate
from sandbox.server import DEFAULT_API_KEYS


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makeitem(collector: pytest.Collector, name: str, obj: Any) -> None:
    # The shared sandbox serves from the session's event loop, so async tests must run in that loop too.
    # Marked here, before pytest-asyncio collects them, so that synchronous tests stay unmarked.
    if name.startswith("test") and inspect.iscoroutinefunction(obj):
        pytest.mark.asyncio(loop_scope="session")(obj)


@pytest.fixture(scope="session")
def catalogue() -> DemoCatalogue:
    # Small enough to page through every feed quickly, big enough for every case on every platform.
    return generate(900, seed=11)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def running_sandbox(catalogue: DemoCatalogue) -> AsyncIterator[Sandbox]:
    sandbox = Sandbox(catalogue)
    await sandbox.start()
    yield sandbox
    await sandbox.stop()


@pytest.fixture
def sandbox(running_sandbox: Sandbox, catalogue: DemoCatalogue) -> Iterator[Sandbox]:
    yield running_sandbox
    running_sandbox.faults.clear()
    running_sandbox.api_keys.clear()
    running_sandbox.api_keys.update(DEFAULT_API_KEYS)
    running_sandbox.participants.reset()
    if running_sandbox.catalogue is not catalogue:
        running_sandbox.replace_catalogue(catalogue)


@pytest_asyncio.fixture(loop_scope="session")
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        yield session


def free_port_base(count: int = 10) -> int:
    """A base port with ``count`` free ports after it (free now; nothing else on this machine races for them)."""
    for base in range(21_000, 60_000, 97):
        sockets: list[socket.socket] = []
        try:
            for port in range(base, base + count):
                s = socket.socket()
                sockets.append(s)
                s.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for s in sockets:
                s.close()
    raise RuntimeError("no free port range")
