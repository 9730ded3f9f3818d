"""The link to Redis: a call never outlasts its bound, fails at once while Redis is away, and works again after."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from redis.asyncio import Redis

from cluster import RedisLink, RedisUnavailable
from sandbox.redis_server import RedisServer
from tests.cluster.conftest import EVENTUALLY_S, eventually


def ping(redis: Redis) -> Awaitable[bool]:
    return redis.ping()


async def fails(link: RedisLink, command: Callable[[Redis], Awaitable[object]] = ping) -> bool:
    """Whether ``command`` raised RedisUnavailable; a hang fails the test instead of stalling it."""
    async with asyncio.timeout(EVENTUALLY_S):
        try:
            await link.run(command)
        except RedisUnavailable:
            return True
    return False


async def test_a_stopped_redis_fails_the_call_and_the_next_ones_at_once(link: RedisLink,
                                                                        redis_server: RedisServer) -> None:
    assert not await fails(link)
    redis_server.pause()
    assert await fails(link)
    assert not link.reachable
    # The next call does not even try: nothing is sent to a Redis known to be away.
    sent: list[str] = []

    def record(redis: Redis) -> Awaitable[bool]:
        sent.append("ping")
        return redis.ping()

    assert await fails(link, record)
    assert sent == []
    redis_server.resume()
    await eventually(lambda: link.reachable, "Redis reachable again once it answers")
    assert not await fails(link)


@pytest.mark.parametrize("outage", ["killed", "restarted empty"])
async def test_a_dead_redis_fails_the_call_and_a_new_one_is_used_without_a_restart(
        link: RedisLink, redis_server: RedisServer, outage: str) -> None:
    await link.run(lambda redis: redis.set(link.key("probe"), b"1"))
    redis_server.kill()
    if outage == "restarted empty":
        redis_server.start()
    assert await fails(link)
    if outage == "killed":
        redis_server.start()
    await eventually(lambda: link.reachable, "Redis reachable again once it answers")
    assert await link.run(lambda redis: redis.get(link.key("probe"))) is None


async def test_a_refused_command_fails_the_call_but_redis_stays_reachable(link: RedisLink) -> None:
    await link.run(lambda redis: redis.set(link.key("text"), b"not a number"))
    assert await fails(link, lambda redis: redis.incr(link.key("text")))
    assert link.reachable
