"""The shared persisted-query tier: a query stored by one process is found by another, and only that query."""

from __future__ import annotations

import hashlib

import redis.asyncio

from cluster import ClusterSettings, RedisLink, SharedQueryStore
from sandbox.redis_server import RedisServer
from tests.cluster.conftest import eventually

QUERY = "{ courses(first: 20) { nodes { id title } } }"
SHA = hashlib.sha256(QUERY.encode()).hexdigest()


async def test_a_query_stored_by_one_process_is_found_by_another(link: RedisLink, settings: ClusterSettings,
                                                                 redis_server: RedisServer) -> None:
    other_link = RedisLink(settings)
    try:
        other = SharedQueryStore(other_link)
        assert await other.get(SHA) is None
        await SharedQueryStore(link).put(SHA, QUERY)
        assert await other.get(SHA) == QUERY
    finally:
        await other_link.aclose()
    async with redis.asyncio.Redis.from_url(redis_server.url) as client:
        assert 0 < await client.ttl(link.key("query", SHA)) <= settings.query_ttl_s


async def test_only_a_query_under_its_own_hash_and_within_the_cap_is_shared(link: RedisLink,
                                                                            settings: ClusterSettings) -> None:
    queries = SharedQueryStore(link)
    await queries.put(SHA, "{ platforms { code } }")
    assert await queries.get(SHA) is None
    too_long = "{ platforms { code } }" + " " * settings.max_query_bytes
    too_long_sha = hashlib.sha256(too_long.encode()).hexdigest()
    await queries.put(too_long_sha, too_long)
    assert await queries.get(too_long_sha) is None
    assert await queries.get("not a hash") is None


async def test_a_query_written_to_redis_under_another_hash_is_not_returned(link: RedisLink,
                                                                           redis_server: RedisServer) -> None:
    async with redis.asyncio.Redis.from_url(redis_server.url) as client:
        await client.set(link.key("query", SHA), "{ platforms { code } }")
    assert await SharedQueryStore(link).get(SHA) is None


async def test_redis_stopped_is_a_miss_and_sharing_resumes(link: RedisLink, redis_server: RedisServer) -> None:
    queries = SharedQueryStore(link)
    await queries.put(SHA, QUERY)
    redis_server.pause()
    assert await queries.get(SHA) is None
    await queries.put(SHA, QUERY)
    redis_server.resume()
    await eventually(lambda: link.reachable, "Redis reachable again")
    assert await queries.get(SHA) == QUERY
