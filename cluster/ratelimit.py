"""A per-client rate limit counted across the deployment: one token bucket per client address, in Redis.

The same semantics as the process-local limit it replaces: a burst of ``per_minute`` requests, then one every
60 / ``per_minute`` s. Each take is one atomic script on Redis's own clock, so processes on machines whose clocks
differ still share one bucket. The bucket is named by a digest of the address, never the address itself, and expires
once it would be full again (a minute). While Redis is unreachable or slow, each process falls back to its own
limiter: requests are never held up or refused for want of Redis.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from .link import RedisLink, RedisUnavailable

_WINDOW_S = 60.0

# KEYS[1] the client's bucket; ARGV[1] its capacity, ARGV[2] tokens added per second. Returns "0" when a token was
# taken, else the seconds until the bucket holds one (a string: Redis would truncate a Lua number to an integer).
_TAKE = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(bucket[1]) or capacity
local at = tonumber(bucket[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
if tokens < 1 then return tostring((1 - tokens) / rate) end
redis.call('HSET', KEYS[1], 'tokens', tokens - 1, 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate * 1000))
return '0'
"""


class SharedRateLimit:
    """Takes one request from a client's deployment-wide bucket of ``per_minute`` (which must be positive).

    ``fallback`` is the process-local limiter's own take (same contract), used while Redis cannot answer.
    """

    def __init__(self, link: RedisLink, per_minute: int, fallback: Callable[[str], float]) -> None:
        if per_minute < 1:
            raise ValueError("a shared rate limit needs at least one request a minute")
        self._link = link
        self._capacity = per_minute
        self._per_second = per_minute / _WINDOW_S
        self._fallback = fallback
        self._take_script = link.client.register_script(_TAKE)

    async def take(self, client: str) -> float:
        """0.0 if the client may go ahead, else the seconds until it may; within ``call_timeout_s``, never raising."""
        bucket = self._link.key("rate", hashlib.blake2b(client.encode(), digest_size=16).hexdigest())
        try:
            wait_s = await self._link.run(
                lambda redis: self._take_script(keys=[bucket], args=[self._capacity, repr(self._per_second)],
                                                client=redis))
        except RedisUnavailable:
            return self._fallback(client)
        return float(wait_s)
