"""Gateway processes sharing one real Redis act as one deployment (spec README, "Scaling out")."""

from __future__ import annotations

import hashlib
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from sandbox import DEMO_PARTICIPANTS, Fault, SandboxThread
from sandbox.redis_server import RedisServer
from tests.harness import GatewayProcess

INTERVAL_S = 2.0
COUNT = "{ courses(first: 1) { totalCount } }"
ANSWERED_WITHIN_S = 5.0
"""What a query may take while Redis is stopped or gone: its usual milliseconds, bounded very generously for a busy
machine; a query that waited on Redis (here each one takes from the shared rate limit) would wait forever on a
stopped one."""


@pytest.fixture(scope="module")
def upstreams() -> Iterator[SandboxThread]:
    with SandboxThread(courses=300) as sandbox:
        yield sandbox


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    with RedisServer() as server:
        yield server


def config(upstreams: SandboxThread, redis_server: RedisServer, **overrides: Any) -> dict[str, Any]:
    return upstreams.gateway_config(cluster={"redis_url": redis_server.url},
                                    catalogue={"refresh_interval_s": INTERVAL_S}, **overrides)


@contextmanager
def two_processes(settings: dict[str, Any], folder: Path) -> Iterator[list[GatewayProcess]]:
    """Two ``serve`` processes of one deployment, both ready."""
    with ExitStack() as stack:
        gateways = [stack.enter_context(GatewayProcess(settings, folder, f"g{n}")) for n in range(2)]
        for gateway in gateways:
            gateway.wait_ready()
        yield gateways


def total(gateway: GatewayProcess, timeout_s: float = 10) -> int:
    answer = httpx.post(f"{gateway.url}/graphql", json={"query": COUNT}, timeout=timeout_s).json()
    count: int = answer["data"]["courses"]["totalCount"]
    return count


def ready(gateway: GatewayProcess) -> dict[str, Any]:
    body: dict[str, Any] = httpx.get(f"{gateway.url}/readyz", timeout=5).json()
    return body


def eventually(condition: Callable[[], bool], within_s: float, what: str) -> None:
    deadline = time.monotonic() + within_s
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def test_two_machines_read_each_feed_once_and_share_every_change(
    upstreams: SandboxThread, redis_server: RedisServer, tmp_path: Path
) -> None:
    with two_processes(config(upstreams, redis_server), tmp_path) as gateways:
        eventually(lambda: sorted(bool(ready(g)["reader"]) for g in gateways) == [False, True], 15, "one reader")

        slug = "tokopedia"
        first = upstreams.request_count(slug)
        started = time.monotonic()
        time.sleep(4 * INTERVAL_S)
        per_read = max(1, first // max(1, round((time.monotonic() - started) / INTERVAL_S)))
        reads = (upstreams.request_count(slug) - first) / per_read
        # One reader for the deployment: about one read per interval, where two readers would make twice as many.
        assert reads <= (time.monotonic() - started) / INTERVAL_S + 1.5

        original = upstreams.catalogue
        gone = original.on_sale("pintaria")[0]
        try:
            upstreams.replace_catalogue(original.without(gone.id))
            eventually(lambda: all(total(g) == len(original.on_sale()) - 1 for g in gateways), 2 * INTERVAL_S + 5,
                       "the change reached every process within the interval and 5 s")
        finally:
            upstreams.replace_catalogue(original)


def test_the_reading_passes_on_when_the_reader_is_killed(
    upstreams: SandboxThread, redis_server: RedisServer, tmp_path: Path
) -> None:
    with two_processes(config(upstreams, redis_server), tmp_path) as gateways:
        eventually(lambda: any(ready(g)["reader"] for g in gateways), 15, "a reader")
        reader, other = sorted(gateways, key=lambda g: not ready(g)["reader"])
        reader.signal(signal.SIGKILL)
        eventually(lambda: bool(ready(other)["reader"]), 30, "another process reads within 30 s")
        assert total(other) == len(upstreams.catalogue.on_sale())


def test_a_process_that_joins_while_every_feed_fails_serves_at_once(
    upstreams: SandboxThread, redis_server: RedisServer, tmp_path: Path
) -> None:
    settings = config(upstreams, redis_server)
    with GatewayProcess(settings, tmp_path, "first") as first:
        first.wait_ready()
        eventually(lambda: total(first) == len(upstreams.catalogue.on_sale()), 10, "the first read")
        try:
            for slug in settings["platforms"]:
                upstreams.set_fault(slug, Fault(status=503))
            with GatewayProcess(settings, tmp_path, "joining") as joining:
                joining.wait_ready()
                assert total(joining) == len(upstreams.catalogue.on_sale())
                assert ready(joining)["reader"] is False
        finally:
            upstreams.clear_faults()


def test_redis_stopped_killed_or_emptied_never_holds_up_a_query(
    upstreams: SandboxThread, redis_server: RedisServer, tmp_path: Path
) -> None:
    settings = config(upstreams, redis_server, limits={"rate_limit_per_minute": 100_000})
    with two_processes(settings, tmp_path) as gateways:
        on_sale = len(upstreams.catalogue.on_sale())

        def answered_by_all() -> None:
            for gateway in gateways:
                assert total(gateway, timeout_s=ANSWERED_WITHIN_S) == on_sale

        redis_server.pause()
        try:
            for _ in range(5):
                answered_by_all()
        finally:
            redis_server.resume()
        redis_server.kill()
        answered_by_all()
        eventually(lambda: not any(ready(g)["redis"] for g in gateways), 10, "Redis seen gone")
        answered_by_all()

        redis_server.restart_empty()
        eventually(lambda: all(ready(g)["redis"] for g in gateways), 15, "Redis seen back")
        client = redis.Redis.from_url(redis_server.url)
        eventually(lambda: client.exists("prakerja:catalogue:data") == 1, 30, "the reader shares again")
        answered_by_all()


def test_redis_never_holds_a_token_or_a_card_number(
    upstreams: SandboxThread, redis_server: RedisServer, tmp_path: Path
) -> None:
    with GatewayProcess(config(upstreams, redis_server, limits={"rate_limit_per_minute": 1000}), tmp_path) as g:
        g.wait_ready()
        query = "{ viewer { cardNumber } courses(first: 3) { edges { node { eligibility { status } } } } }"
        for token in DEMO_PARTICIPANTS:
            httpx.post(f"{g.url}/graphql", json={"query": query}, headers={"Authorization": f"Bearer {token}"})
        cards = [p.card_number for token in DEMO_PARTICIPANTS if (p := upstreams.sandbox.participants.get(token))]
        client = redis.Redis.from_url(redis_server.url)
        stored = b"".join(key + (client.dump(key) or b"") for key in client.scan_iter())
        assert stored
        for secret in [*DEMO_PARTICIPANTS, *cards]:
            assert secret.encode() not in stored


def test_a_rate_limit_holds_across_processes(
    upstreams: SandboxThread, redis_server: RedisServer, tmp_path: Path
) -> None:
    per_minute = 6
    settings = config(upstreams, redis_server, limits={"rate_limit_per_minute": per_minute})
    with two_processes(settings, tmp_path) as gateways:
        statuses = [httpx.post(f"{gateways[n % 2].url}/graphql", json={"query": COUNT}).status_code
                    for n in range(2 * per_minute)]
        # One bucket for the deployment: the burst is spent across both processes, not once on each (which would
        # let all twelve through). A process that finds Redis too slow for a moment counts on its own meanwhile.
        assert statuses.count(200) <= per_minute + 3 and statuses.count(429) >= per_minute - 3


def test_a_persisted_query_registered_on_one_process_is_known_to_another(
    upstreams: SandboxThread, redis_server: RedisServer, tmp_path: Path
) -> None:
    digest = hashlib.sha256(COUNT.encode()).hexdigest()
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    with two_processes(config(upstreams, redis_server), tmp_path) as (one, other):
        registered = httpx.post(f"{one.url}/graphql", json={"query": COUNT, "extensions": extensions})
        assert registered.status_code == 200
        answer = httpx.post(f"{other.url}/graphql", json={"extensions": extensions}).json()
        assert answer["data"]["courses"]["totalCount"] == len(upstreams.catalogue.on_sale())
