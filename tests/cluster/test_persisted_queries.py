"""The shared persisted-query tier: a query stored by one process is found by another, and only that query."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable

import redis.asyncio

from cluster import ClusterMember, ClusterSettings
from sandbox.redis_server import RedisServer
from tests.cluster.conftest import eventually

Members = Callable[[], Awaitable[ClusterMember]]

QUERY = "{ courses(first: 20) { nodes { id title } } }"
SHA = hashlib.sha256(QUERY.encode()).hexdigest()


async def test_a_query_stored_by_one_process_is_found_by_another(members: Members, settings: ClusterSettings,
                                                                 redis_server: RedisServer) -> None:
    first, second = await members(), await members()
    assert await second.queries.get(SHA) is None
    await first.queries.put(SHA, QUERY)
    assert await second.queries.get(SHA) == QUERY
    async with redis.asyncio.Redis.from_url(redis_server.url) as client:
        assert 0 < await client.ttl(first.link.key("query", SHA)) <= settings.query_ttl_s


async def test_only_a_query_under_its_own_hash_and_within_the_cap_is_shared(members: Members,
                                                                            settings: ClusterSettings) -> None:
    member = await members()
    other = "{ platforms { code } }"
    await member.queries.put(SHA, other)
    assert await member.queries.get(SHA) is None
    too_long = "{ platforms { code } }" + " " * settings.max_query_bytes
    await member.queries.put(hashlib.sha256(too_long.encode()).hexdigest(), too_long)
    assert await member.queries.get(hashlib.sha256(too_long.encode()).hexdigest()) is None
    assert await member.queries.get("not a hash") is None


async def test_a_query_written_to_redis_under_another_hash_is_not_returned(members: Members,
                                                                           redis_server: RedisServer) -> None:
    member = await members()
    async with redis.asyncio.Redis.from_url(redis_server.url) as client:
        await client.set(member.link.key("query", SHA), "{ platforms { code } }")
    assert await member.queries.get(SHA) is None


async def test_redis_stopped_is_a_miss_and_sharing_resumes(members: Members, redis_server: RedisServer) -> None:
    member = await members()
    await member.queries.put(SHA, QUERY)
    redis_server.pause()
    assert await member.queries.get(SHA) is None
    await member.queries.put(SHA, QUERY)
    redis_server.resume()
    await eventually(lambda: member.link.reachable, "Redis reachable again")
    assert await member.queries.get(SHA) == QUERY
