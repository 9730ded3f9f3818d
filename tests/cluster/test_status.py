"""What a process says about its part in the deployment, as properties and as Prometheus gauges."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from prometheus_client import CollectorRegistry, generate_latest

from cluster import ClusterMember
from sandbox.redis_server import RedisServer
from tests.cluster.conftest import eventually

Members = Callable[[], Awaitable[ClusterMember]]


def scrape(registry: CollectorRegistry) -> dict[str, float]:
    lines = generate_latest(registry).decode().splitlines()
    return {name: float(value) for name, value in (line.split() for line in lines if not line.startswith("#"))}


async def test_a_reader_and_another_process_say_what_they_do(members: Members) -> None:
    reader, other = await members(), await members()
    assert (reader.status.is_reader, other.status.is_reader) == (True, False)
    assert reader.status.redis_reachable and other.status.redis_reachable
    assert (other.status.catalogue_version, other.status.catalogue_age_s) == (None, None)
    version = await reader.catalogues.publish(b"catalogue one")
    await eventually(lambda: other.status.catalogue_version == version, "the other process holding the catalogue")
    age_s = other.status.catalogue_age_s
    assert age_s is not None and age_s >= 0


async def test_the_gauges_follow_the_process(members: Members, redis_server: RedisServer) -> None:
    reader = await members()
    registry = CollectorRegistry()
    reader.status.register_metrics(registry)
    assert scrape(registry) == {"prakerja_redis_reachable": 1.0, "prakerja_reader": 1.0,
                                "prakerja_catalogue_version": 0.0, "prakerja_catalogue_age_seconds": 0.0}
    version = await reader.catalogues.publish(b"catalogue one")
    assert scrape(registry)["prakerja_catalogue_version"] == version
    redis_server.kill()
    await eventually(lambda: scrape(registry)["prakerja_redis_reachable"] == 0.0, "the gauge showing Redis away")
    await eventually(lambda: scrape(registry)["prakerja_reader"] == 0.0, "the gauge showing the reading given up")
    assert scrape(registry)["prakerja_catalogue_version"] == version
