"""Memory attacks on a gateway process: its resident memory stays within a fixed bound after each.

Every table a client can add to is bounded in bytes: parsed and validated queries, answers, rate-limit buckets.
Against tables bounded only in entries, 60 distinct queries of a megabyte grew a gateway by 118 MB (up to 1 GB
with more), and the addresses below by 22 MB (and on, linearly, with more).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sandbox import SandboxThread
from tests.harness import GatewayProcess

MB = 1024 * 1024


@pytest.fixture(scope="module")
def process(upstreams: SandboxThread, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewayProcess]:
    config = upstreams.gateway_config(limits={"rate_limit_per_minute": 1000})
    with GatewayProcess(config, Path(tmp_path_factory.mktemp("memory"))) as gateway:
        gateway.wait_ready()
        yield gateway


@pytest.fixture(scope="module")
def http(process: GatewayProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=process.url, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def baseline(process: GatewayProcess, http: httpx.Client) -> int:
    """The process's memory once it has answered every kind of request the attacks make."""
    for _ in range(3):
        http.post("/graphql", json={"query": "{ platforms { slug } }"})
        http.post("/graphql", json={"query": "{ nope } #" + secrets.token_hex(47_490)})
        http.get("/graphql", params={"query": "{ __typename }"}, headers={"X-Forwarded-For": "x" * 12_000})
    return process.rss_bytes()


def test_distinct_long_queries_leave_the_gateway_within_its_query_cache(
        process: GatewayProcess, http: httpx.Client, baseline: int) -> None:
    # 200 distinct queries of 95,000 characters, as long as allowed, twice what the parsed-query cache holds;
    # each is refused by validation, so only that cache could keep it (at about 190 KB each).
    for _ in range(200):
        answer = http.post("/graphql", json={"query": "{ nope } #" + secrets.token_hex(47_490)})
        assert answer.json()["errors"][0]["message"].startswith("Cannot query field 'nope'"), answer.text
    grown = process.rss_bytes() - baseline
    # 16 MB kept, and what the requests' own buffers leave of the heap fragmented: 47 MB in all, measured.
    assert grown < 64 * MB, f"{grown / MB:.0f} MB more after the attack"


def test_twelve_kilobyte_forwarded_addresses_leave_the_rate_limit_table_small(
        process: GatewayProcess, http: httpx.Client, baseline: int) -> None:
    before = process.rss_bytes()
    for _ in range(2000):
        answer = http.get("/graphql", params={"query": "{ __typename }"},
                          headers={"X-Forwarded-For": secrets.token_hex(6000)})
        assert answer.status_code == 200
    grown = process.rss_bytes() - before
    assert grown < 8 * MB, f"{grown / MB:.0f} MB more after the attack"
