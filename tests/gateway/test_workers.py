"""``workers = 2``: two serving processes on one port, one refresher reading the feeds for both."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sandbox import PLATFORMS, SandboxThread
from tests.harness import GatewayProcess

INTERVAL_S = 1.0


@pytest.fixture(scope="module")
def upstreams() -> Iterator[SandboxThread]:
    with SandboxThread(courses=300) as sandbox:
        yield sandbox


def test_two_workers_serve_one_catalogue_read_once_per_interval(upstreams: SandboxThread, tmp_path: Path) -> None:
    config = upstreams.gateway_config(server={"workers": 2}, catalogue={"refresh_interval_s": INTERVAL_S})
    with GatewayProcess(config, tmp_path) as gateway:
        gateway.wait_ready()
        first_read = {slug: upstreams.request_count(slug) for slug in PLATFORMS}
        started = time.monotonic()

        # Every worker answers, from the same catalogue: fresh connections land on both.
        answers = [httpx.get(f"{gateway.url}/readyz").json() for _ in range(60)]
        assert len({answer["process"] for answer in answers}) == 2
        query = {"query": "{ courses(first: 1) { totalCount } }"}
        totals = {httpx.post(f"{gateway.url}/graphql", json=query).json()["data"]["courses"]["totalCount"]
                  for _ in range(20)}
        assert totals == {len(upstreams.catalogue.on_sale())}

        time.sleep(max(0.0, 4 * INTERVAL_S - (time.monotonic() - started)))
        elapsed = time.monotonic() - started
        for slug, first in first_read.items():
            # One reader: about one read per interval (a read is `first` requests); two would make twice as many.
            reads = (upstreams.request_count(slug) - first) / first
            assert reads <= elapsed / INTERVAL_S + 1.5, slug
