"""The reader lease: one reader at a time, a dead or cut-off reader replaced, Redis trouble never two readers."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import redis.asyncio

from cluster import CatalogueMember
from sandbox.redis_server import RedisServer
from tests.cluster.conftest import MemberProcess, eventually

Members = Callable[[], Awaitable[CatalogueMember]]


async def holder_named(redis_server: RedisServer, member: CatalogueMember) -> bool:
    async with redis.asyncio.Redis.from_url(redis_server.url) as client:
        return bool(await client.get(member.lease.key) == member.lease.holder_id.encode())


async def test_one_reader_among_contenders_and_it_keeps_the_reading(members: Members) -> None:
    contenders = [await members() for _ in range(3)]
    holders = [member for member in contenders if member.lease.is_holder]
    assert len(holders) == 1
    # Over several renewals: never a second reader, and the reading does not move.
    for _ in range(50):
        assert [member for member in contenders if member.lease.is_holder] == holders
        await asyncio.sleep(0.05)


async def test_a_clean_stop_releases_the_lease_to_a_contender(members: Members, redis_server: RedisServer) -> None:
    first, second = await members(), await members()
    assert (first.lease.is_holder, second.lease.is_holder) == (True, False)
    await first.lease.aclose()
    assert not first.lease.is_holder
    assert not await holder_named(redis_server, first)
    assert await second.lease.wait_changed(known=False) is True


async def test_a_sigkilled_reader_process_is_replaced(member_processes: Callable[[], Awaitable[MemberProcess]]
                                                     ) -> None:
    first, second = await asyncio.gather(member_processes(), member_processes())
    reader, other = (first, second) if first.is_reader else (second, first)
    assert (reader.is_reader, other.is_reader) == (True, False)
    await reader.stop()
    await other.next_event("reader")
    assert other.is_reader


async def test_a_reader_cut_off_from_redis_stops_reading_and_the_reading_resumes(
        members: Members, redis_server: RedisServer) -> None:
    reader = await members()
    redis_server.pause()
    await eventually(lambda: not reader.lease.is_holder, "the reader stepping down while Redis is stopped")
    redis_server.resume()
    await eventually(lambda: reader.lease.is_holder, "a reader again once Redis answers")


async def test_the_reader_keeps_the_reading_when_redis_restarts_empty(members: Members,
                                                                      redis_server: RedisServer) -> None:
    reader = await members()
    stepped_down = asyncio.create_task(reader.lease.wait_changed(known=True))
    redis_server.restart_empty()
    await eventually(lambda: holder_named(redis_server, reader), "the reader claiming the lease in the new Redis")
    assert reader.lease.is_holder and not stepped_down.done()
    stepped_down.cancel()


async def test_a_change_of_reader_that_came_and_went_is_not_missed(members: Members,
                                                                   redis_server: RedisServer) -> None:
    reader = await members()
    acted_on = reader.lease.is_holder
    redis_server.pause()
    await eventually(lambda: not reader.lease.is_holder, "the reader stepping down while Redis is stopped")
    # Asked after the change: answered at once, with the state the caller has not acted on yet.
    assert await reader.lease.wait_changed(known=acted_on) is False
