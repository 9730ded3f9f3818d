"""Everything the deployment writes to Redis, read back key by key: only what is meant to be shared."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Awaitable, Callable

import redis.asyncio

from cluster import CatalogueMember, SharedQueryStore, SharedRateLimit
from sandbox.redis_server import RedisServer

Members = Callable[[], Awaitable[CatalogueMember]]

CLIENT_ADDRESS = "203.0.113.77"
QUERY = "{ courses(first: 20) { nodes { id title } } }"


async def test_redis_holds_the_lease_the_catalogue_the_buckets_and_the_queries_and_no_address(
        members: Members, redis_server: RedisServer) -> None:
    reader, other = await members(), await members()
    await reader.catalogues.publish(b"catalogue one")
    await SharedRateLimit(other.link, 10, lambda client: 0.0).take(CLIENT_ADDRESS)
    query_sha = hashlib.sha256(QUERY.encode()).hexdigest()
    await SharedQueryStore(other.link).put(query_sha, QUERY)

    async with redis.asyncio.Redis.from_url(redis_server.url, decode_responses=True) as client:
        contents = {key: await client.type(key) async for key in client.scan_iter()}
        catalogue = await client.hgetall("prakerja:catalogue")
        catalogue_data = await client.get("prakerja:catalogue:data")
        bucket_key = next(key for key in contents if key.startswith("prakerja:rate:"))
        bucket = await client.hgetall(bucket_key)
        lease = await client.get("prakerja:reader")
        query = await client.get(f"prakerja:query:{query_sha}")

    assert contents == {"prakerja:reader": "string", "prakerja:catalogue": "hash", "prakerja:catalogue:data": "string",
                        bucket_key: "hash", f"prakerja:query:{query_sha}": "string"}
    assert lease == reader.lease.holder_id
    assert set(catalogue) == {"version", "published_at"} and catalogue_data == "catalogue one"
    assert re.fullmatch(r"prakerja:rate:[0-9a-f]{32}", bucket_key)
    assert set(bucket) == {"tokens", "at"}
    assert query == QUERY
    everything = repr((contents, catalogue, catalogue_data, bucket, lease, query))
    assert CLIENT_ADDRESS not in everything
