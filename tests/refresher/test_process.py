"""The refresher's process: a snapshot file keeps the last good catalogue across a restart."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx

from sandbox import Fault, SandboxThread
from tests.harness import GatewayProcess

COURSES = """{ platforms { slug status } courses(first: 1) { totalCount } }"""


def served(gateway: GatewayProcess) -> Any:
    return httpx.post(f"{gateway.url}/graphql", json={"query": COURSES}).json()["data"]


def test_a_restart_with_every_feed_down_lists_every_course_from_the_snapshot_file(tmp_path: Path) -> None:
    with SandboxThread(courses=300) as upstreams:
        snapshot = tmp_path / "catalogue.snapshot"
        config = upstreams.gateway_config(catalogue={"snapshot_file": str(snapshot), "refresh_interval_s": 1})
        on_sale = len(upstreams.catalogue.on_sale())
        with GatewayProcess(config, tmp_path, "first") as gateway:
            gateway.wait_ready()
            assert served(gateway)["courses"]["totalCount"] == on_sale
        assert snapshot.exists()

        for slug in config["platforms"]:
            upstreams.set_fault(slug, Fault(status=503))
        with GatewayProcess(config, tmp_path, "second") as gateway:
            gateway.wait_ready()  # without a feed answering: the snapshot file holds a catalogue
            assert served(gateway)["courses"]["totalCount"] == on_sale
            deadline = time.monotonic() + 30
            while {p["status"] for p in served(gateway)["platforms"]} != {"STALE"}:
                assert time.monotonic() < deadline, served(gateway)["platforms"]
                time.sleep(0.2)
            # Every refresh failed: every platform STALE, never DOWN, every course still listed.
            assert served(gateway)["courses"]["totalCount"] == on_sale
