"""The per-client rate limit of ``/graphql``: over HTTP to a real gateway, and the bucket itself on a fake clock.

Over HTTP every test is its own client address: the gateway runs behind uvicorn, which takes the address from
``X-Forwarded-For`` when the connection comes from loopback (a reverse proxy on the same host), as here.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.ratelimit import BUCKET_BYTES, RateLimit
from sandbox import SandboxThread
from tests.harness import GatewayThread

PER_MINUTE = 3
QUERY = {"query": "{ platforms { slug } }"}
ORIGIN = "https://app.example"


@pytest.fixture(scope="module")
def limited(upstreams: SandboxThread) -> Iterator[GatewayThread]:
    config = upstreams.gateway_config(limits={"rate_limit_per_minute": PER_MINUTE},
                                      server={"cors_origins": [ORIGIN]})
    with GatewayThread(config) as gateway:
        yield gateway


def client_at(gateway: GatewayThread, address: str) -> httpx.Client:
    return httpx.Client(base_url=gateway.url, headers={"X-Forwarded-For": address}, timeout=10)


def test_requests_over_the_limit_are_429_rate_limited_with_retry_after(limited: GatewayThread) -> None:
    with client_at(limited, "198.51.100.1") as http:
        assert [http.post("/graphql", json=QUERY).status_code for _ in range(PER_MINUTE)] == [200] * PER_MINUTE
        refused = http.post("/graphql", json=QUERY)
    assert refused.status_code == 429
    [error] = refused.json()["errors"]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert f"at most {PER_MINUTE} a minute" in error["message"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60 // PER_MINUTE


def test_every_address_has_its_own_allowance(limited: GatewayThread) -> None:
    with client_at(limited, "198.51.100.2") as first, client_at(limited, "198.51.100.3") as second:
        for _ in range(PER_MINUTE):
            first.post("/graphql", json=QUERY)
        assert first.post("/graphql", json=QUERY).status_code == 429
        assert second.post("/graphql", json=QUERY).status_code == 200


def test_get_counts_too_and_health_and_metrics_are_never_limited(limited: GatewayThread) -> None:
    with client_at(limited, "198.51.100.4") as http:
        for _ in range(PER_MINUTE):
            http.get("/graphql", params=QUERY)
        assert http.get("/graphql", params=QUERY).status_code == 429
        for _ in range(2 * PER_MINUTE):
            assert http.get("/healthz").status_code == 200
            assert http.get("/readyz").status_code in (200, 503)
            assert http.get("/metrics").status_code == 200


def test_a_browser_app_can_read_the_refusal_and_preflights_are_not_counted(limited: GatewayThread) -> None:
    preflight = {"Origin": ORIGIN, "Access-Control-Request-Method": "POST"}
    with client_at(limited, "198.51.100.5") as http:
        for _ in range(2 * PER_MINUTE):
            assert http.options("/graphql", headers=preflight).status_code == 200
        for _ in range(PER_MINUTE):
            assert http.post("/graphql", json=QUERY).status_code == 200
        refused = http.post("/graphql", json=QUERY, headers={"Origin": ORIGIN})
    assert refused.status_code == 429
    assert refused.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_no_limit_by_default(gateway: GatewayThread) -> None:
    assert gateway.config.limits.rate_limit_per_minute == 0
    with client_at(gateway, "198.51.100.6") as http:
        assert {http.post("/graphql", json=QUERY).status_code for _ in range(20)} == {200}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def passed(app: ASGIApp, scope: Scope) -> int:
    """The status the app answers to ``scope``."""
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    status: int = sent[0]["status"]
    return status


async def ok(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b""})


def request_from(host: str, forwarded_for: str = "") -> Scope:
    headers = [(b"x-forwarded-for", forwarded_for.encode())] if forwarded_for else []
    return {"type": "http", "method": "POST", "path": "/graphql", "headers": headers, "client": (host, 40000)}


async def test_the_allowance_comes_back_one_request_each_60_over_n_seconds() -> None:
    clock = Clock()
    limit = RateLimit(ok, path="/graphql", per_minute=6, clock=clock)
    assert [await passed(limit, request_from("203.0.113.1")) for _ in range(7)] == [200] * 6 + [429]
    clock.now += 9.9
    assert await passed(limit, request_from("203.0.113.1")) == 429
    clock.now += 0.2
    assert await passed(limit, request_from("203.0.113.1")) == 200
    assert await passed(limit, request_from("203.0.113.1")) == 429
    clock.now += 60
    assert [await passed(limit, request_from("203.0.113.1")) for _ in range(7)] == [200] * 6 + [429]


async def test_the_address_is_the_connections_not_a_header_the_client_sends() -> None:
    limit = RateLimit(ok, path="/graphql", per_minute=1, clock=Clock())
    assert await passed(limit, request_from("203.0.113.2", forwarded_for="192.0.2.1")) == 200
    assert await passed(limit, request_from("203.0.113.2", forwarded_for="192.0.2.2")) == 429


async def test_memory_stays_bounded_however_many_addresses_call() -> None:
    clock = Clock()
    limit = RateLimit(ok, path="/graphql", per_minute=1, max_bytes=100 * BUCKET_BYTES, clock=clock)
    for n in range(10_000):
        assert await passed(limit, request_from(f"10.{n // 65536}.{n // 256 % 256}.{n % 256}")) == 200
    assert len(limit._buckets) <= 100
