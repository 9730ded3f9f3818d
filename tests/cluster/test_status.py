"""What a refresher says about its part in the deployment."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from cluster import CatalogueMember
from sandbox.redis_server import RedisServer
from tests.cluster.conftest import eventually

Members = Callable[[], Awaitable[CatalogueMember]]


async def test_a_reader_and_another_process_say_what_they_do(members: Members) -> None:
    reader, other = await members(), await members()
    assert (reader.status.is_reader, other.status.is_reader) == (True, False)
    assert reader.status.redis_reachable and other.status.redis_reachable
    assert (other.status.catalogue_version, other.status.catalogue_age_s) == (None, None)
    version = await reader.catalogues.publish(b"catalogue one")
    await eventually(lambda: other.status.catalogue_version == version, "the other process holding the catalogue")
    age_s = other.status.catalogue_age_s
    assert age_s is not None and age_s >= 0


async def test_the_status_follows_redis_going_away(members: Members, redis_server: RedisServer) -> None:
    reader = await members()
    version = await reader.catalogues.publish(b"catalogue one")
    assert reader.status.to_json() | {"age_s": None} == {"reader": True, "redis": True, "version": version,
                                                          "age_s": None}
    redis_server.kill()
    await eventually(lambda: not reader.status.to_json()["redis"], "the status showing Redis away")
    await eventually(lambda: not reader.status.to_json()["reader"], "the status showing the reading given up")
    assert reader.status.to_json()["version"] == version
