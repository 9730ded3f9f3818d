"""The catalogue share: what the reader publishes reaches every process, a joiner gets it at once, nothing is lost
while Redis is away or restarted empty, and only the reader publishes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
import redis.asyncio

from cluster import CatalogueMember, CatalogueShare, ClusterSettings, ReaderLease, RedisLink
from sandbox.redis_server import RedisServer
from tests.cluster.conftest import EVENTUALLY_S, MemberProcess, eventually

Members = Callable[[], Awaitable[CatalogueMember]]
MemberProcesses = Callable[[], Awaitable[MemberProcess]]


@pytest.fixture
async def follower(settings: ClusterSettings) -> AsyncIterator[CatalogueShare]:
    """A process's catalogue share that never contends for the reading (its lease is never started)."""
    link = RedisLink(settings)
    share = CatalogueShare(link, ReaderLease(link))
    await share.start()
    yield share
    await share.aclose()
    await link.aclose()


async def catalogue_in_redis(redis_server: RedisServer, share: CatalogueShare) -> bytes | None:
    async with redis.asyncio.Redis.from_url(redis_server.url) as client:
        data = await client.get(share.data_key)
        return data if isinstance(data, bytes) else None


async def test_a_publication_reaches_another_process(members: Members, member_processes: MemberProcesses) -> None:
    reader = await members()
    other = await member_processes()
    version = await reader.catalogues.publish(b"catalogue one")
    assert version is not None
    assert await other.next_event("catalogue") == {"event": "catalogue", "version": version, "data": "catalogue one"}
    newer = await reader.catalogues.publish(b"catalogue two")
    assert newer is not None and newer > version
    assert (await other.next_event("catalogue"))["data"] == "catalogue two"


async def test_a_process_that_joins_holds_the_catalogue_once_started(members: Members,
                                                                     member_processes: MemberProcesses) -> None:
    reader = await members()
    version = await reader.catalogues.publish(b"catalogue one")
    joiner = await member_processes()
    assert joiner.last("started") == {"event": "started", "reader": False, "version": version}


async def test_only_the_reader_publishes(members: Members, redis_server: RedisServer) -> None:
    reader, other = await members(), await members()
    await reader.catalogues.publish(b"from the reader")
    assert await other.catalogues.publish(b"from another process") is None
    assert await catalogue_in_redis(redis_server, reader.catalogues) == b"from the reader"


async def test_a_reader_whose_lease_was_taken_over_meanwhile_cannot_publish(members: Members,
                                                                            redis_server: RedisServer) -> None:
    reader = await members()
    await reader.catalogues.publish(b"from the reader")
    async with redis.asyncio.Redis.from_url(redis_server.url) as client:
        # As if this reader had been paused past its lease and another process had taken it.
        await client.set(reader.lease.key, b"another process")
        assert reader.lease.is_holder
        assert await reader.catalogues.publish(b"from a former reader") is None
        assert await catalogue_in_redis(redis_server, reader.catalogues) == b"from the reader"
        assert sorted(await client.keys()) == [b"prakerja:catalogue", b"prakerja:catalogue:data", b"prakerja:reader"]


async def test_redis_restarted_empty_loses_no_catalogue(members: Members, follower: CatalogueShare,
                                                        redis_server: RedisServer) -> None:
    reader = await members()
    version = await reader.catalogues.publish(b"catalogue one")
    await eventually(lambda: follower.current is not None, "the follower fetching the catalogue")
    redis_server.restart_empty()
    assert follower.current is not None and follower.current.data == b"catalogue one"
    # The reader publishes it again, under a newer version, and the follower keeps up.
    await eventually(lambda: follower.current is not None and follower.current.version > (version or 0),
                     "the reader publishing the catalogue again into the new Redis")
    assert follower.current is not None and follower.current.data == b"catalogue one"
    newer = await reader.catalogues.publish(b"catalogue two")
    await eventually(lambda: follower.current is not None and follower.current.version == newer,
                     "a publication after the restart reaching the follower")


async def test_what_the_reader_publishes_while_redis_is_stopped_is_published_when_it_is_back(
        members: Members, follower: CatalogueShare, redis_server: RedisServer) -> None:
    reader = await members()
    await reader.catalogues.publish(b"catalogue one")
    redis_server.pause()
    assert await reader.catalogues.publish(b"catalogue two") is None
    assert reader.catalogues.current is not None and reader.catalogues.current.data == b"catalogue one"
    redis_server.resume()
    await eventually(lambda: follower.current is not None and follower.current.data == b"catalogue two",
                     "the catalogue published while Redis was stopped reaching the follower")


async def test_every_process_keeps_its_catalogue_while_redis_is_down(members: Members, follower: CatalogueShare,
                                                                     redis_server: RedisServer) -> None:
    reader = await members()
    await reader.catalogues.publish(b"catalogue one")
    await eventually(lambda: follower.current is not None, "the follower fetching the catalogue")
    redis_server.kill()
    assert await reader.catalogues.publish(b"catalogue two") is None
    await eventually(lambda: not reader.link.reachable, "the reader noticing Redis is down")
    assert follower.current is not None and follower.current.data == b"catalogue one"
    redis_server.start()
    await eventually(lambda: follower.current is not None and follower.current.data == b"catalogue two",
                     "sharing resuming once Redis is back")


async def test_a_process_started_while_redis_is_stopped_gets_the_catalogue_once_it_answers(
        members: Members, redis_server: RedisServer) -> None:
    reader = await members()
    await reader.catalogues.publish(b"catalogue one")
    redis_server.pause()
    late = await members()
    assert (late.catalogues.current, late.lease.is_holder) == (None, False)
    redis_server.resume()
    await eventually(lambda: late.catalogues.current is not None, "the late process fetching the catalogue")
    assert late.catalogues.current is not None and late.catalogues.current.data == b"catalogue one"


async def test_a_follower_busy_while_catalogues_came_gets_the_newest_when_it_asks(
        members: Members, follower: CatalogueShare) -> None:
    reader = await members()
    first = await reader.catalogues.publish(b"catalogue one")
    assert first is not None
    assert (await follower.wait_newer()).version == first
    # Two publications while the follower is busy writing the first one out: it asks again, and gets the last.
    await reader.catalogues.publish(b"catalogue two")
    last = await reader.catalogues.publish(b"catalogue three")
    async with asyncio.timeout(EVENTUALLY_S):
        newest = await follower.wait_newer(than=first)
        while newest.version != last:
            newest = await follower.wait_newer(than=newest.version)
    assert newest.data == b"catalogue three"
