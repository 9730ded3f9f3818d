"""One process's connection to the deployment's Redis: every call bounded, and failing at once while Redis is away.

A call that cannot reach Redis in time marks Redis unreachable; from then on calls fail immediately (their callers
fall back to what the process holds) while one background probe pings Redis every ``reconnect_interval_s``, and the
first answer makes Redis reachable again. So a slow, dead or restarted Redis costs at most one ``call_timeout_s`` to
the callers in flight when it went away, and sharing resumes by itself once it is back.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from redis.asyncio import Redis
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

from .background import stop
from .settings import ClusterSettings

_log = logging.getLogger(__name__)

T = TypeVar("T")

# What a Redis that is slow, stopped, dead or restarting looks like from here.
_UNREACHABLE = (RedisConnectionError, RedisTimeoutError, TimeoutError, OSError)


class RedisUnavailable(Exception):
    """A Redis call did not complete: Redis is unreachable, too slow, or refused the command."""


class RedisLink:
    """The Redis client of one process and whether Redis answers. Lives on one event loop."""

    def __init__(self, settings: ClusterSettings) -> None:
        self.settings = settings
        # No retries inside the clients: a retry would multiply the wait the timeouts bound. Each client's socket
        # timeout is its calls' bound too, so a call ends in time even if the cancellation of ``run``'s own timeout
        # is lost inside redis-py (Python 3.11's wait_for can swallow one).
        self.client: Redis = self._client(settings.call_timeout_s)
        self.transfer_client: Redis = self._client(settings.transfer_timeout_s)
        self._reachable = True
        self._probe: asyncio.Task[None] | None = None

    def _client(self, timeout_s: float) -> Redis:
        return Redis.from_url(self.settings.redis_url, socket_connect_timeout=self.settings.call_timeout_s,
                              socket_timeout=timeout_s, retry=Retry(NoBackoff(), 0), decode_responses=False)

    @property
    def reachable(self) -> bool:
        """False from a call that could not reach Redis until a probe gets an answer."""
        return self._reachable

    def key(self, *parts: str) -> str:
        """The Redis key (or channel) named ``parts`` within this deployment's prefix."""
        return ":".join((self.settings.key_prefix, *parts))

    async def run(self, command: Callable[[Redis], Awaitable[T]], *, transfer: bool = False) -> T:
        """``command`` on a client, within ``call_timeout_s``, or ``transfer_timeout_s`` for a ``transfer`` (the
        command gets the client meant for it: a script is called with ``client=``).

        Raises :class:`RedisUnavailable`, at once while Redis is unreachable, else when the call fails or times out.
        """
        if not self._reachable:
            raise RedisUnavailable("Redis is unreachable")
        settings = self.settings
        try:
            async with asyncio.timeout(settings.transfer_timeout_s if transfer else settings.call_timeout_s):
                return await command(self.transfer_client if transfer else self.client)
        except _UNREACHABLE as error:
            self._lost()
            raise RedisUnavailable("Redis did not answer in time") from error
        except RedisError as error:
            raise RedisUnavailable(f"Redis refused the command: {type(error).__name__}") from error

    def _lost(self) -> None:
        if self._reachable:
            _log.warning("Redis unreachable: serving from what this process holds until it answers again")
        self._reachable = False
        if self._probe is None or self._probe.done():
            self._probe = asyncio.create_task(self._probe_until_back(), name="redis-probe")

    async def _probe_until_back(self) -> None:
        while True:
            await asyncio.sleep(self.settings.reconnect_interval_s)
            # Connections opened before Redis went away may be dead (a restarted Redis closed them): drop them all,
            # or each would fail one caller after Redis is back.
            for client in (self.client, self.transfer_client):
                await client.connection_pool.disconnect()
            try:
                async with asyncio.timeout(self.settings.call_timeout_s):
                    await self.client.ping()
            except (*_UNREACHABLE, RedisError):
                continue
            _log.warning("Redis reachable again: sharing resumes")
            self._reachable = True
            return

    async def aclose(self) -> None:
        if self._probe is not None:
            await stop(self._probe)
        await self.client.aclose()
        await self.transfer_client.aclose()
