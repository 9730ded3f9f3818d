"""The shared rate limit: today's token bucket, counted across processes, and the local limiter while Redis is away."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from cluster import RedisLink, SharedRateLimit
from sandbox.redis_server import RedisServer
from tests.cluster.conftest import MemberProcess, eventually
from tests.cluster.member_process import RATE_PER_MINUTE


class LocalLimiter:
    """Stands in for the process-local limiter: lets everyone through and counts the calls it answered."""

    def __init__(self) -> None:
        self.calls = 0

    def take(self, client: str) -> float:
        self.calls += 1
        return 0.0


async def test_a_burst_then_one_request_per_interval(link: RedisLink) -> None:
    local = LocalLimiter()
    rate_limit = SharedRateLimit(link, 6, local.take)
    assert [await rate_limit.take("198.51.100.1") for _ in range(6)] == [0.0] * 6
    wait_s = await rate_limit.take("198.51.100.1")
    assert 0 < wait_s <= 10  # one request every 60 / 6 s
    assert await rate_limit.take("198.51.100.2") == 0.0  # another address has its own bucket
    assert local.calls == 0


async def test_the_limit_counts_requests_made_to_every_process(
        member_processes: Callable[[], Awaitable[MemberProcess]]) -> None:
    first, second = await asyncio.gather(member_processes(), member_processes())
    answers = []
    for turn in range(RATE_PER_MINUTE + 1):
        process = (first, second)[turn % 2]
        process.send("take 198.51.100.1")
        answers.append((await process.next_event("took"))["wait_s"])
    assert answers[:RATE_PER_MINUTE] == [0.0] * RATE_PER_MINUTE
    assert 0 < answers[RATE_PER_MINUTE] <= 60 / RATE_PER_MINUTE


async def test_redis_stopped_or_down_falls_back_to_the_local_limiter_and_sharing_resumes(
        link: RedisLink, redis_server: RedisServer) -> None:
    local = LocalLimiter()
    rate_limit = SharedRateLimit(link, 1, local.take)
    assert await rate_limit.take("198.51.100.1") == 0.0
    redis_server.pause()
    assert await rate_limit.take("198.51.100.1") == 0.0
    assert await rate_limit.take("198.51.100.1") == 0.0
    assert local.calls == 2
    redis_server.resume()
    await eventually(lambda: link.reachable, "Redis reachable again")
    # Counted in Redis again: the bucket emptied before the stop still is.
    assert await rate_limit.take("198.51.100.1") > 0
    redis_server.kill()
    assert await rate_limit.take("198.51.100.1") == 0.0
    assert local.calls == 3
