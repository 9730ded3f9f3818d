"""The deployment's catalogue, published by the reader and picked up by every process.

The catalogue is opaque bytes (whatever format the refresher produces), kept in Redis beside its version and
publication time, and read with them in one transaction, so a process always gets a version and its own bytes. The
bytes are uploaded first with a plain SET under a key of the publisher's own, then moved into place by a small
script, which keeps Redis free to answer others while tens of MB come in (bytes passed to a script would stall it
for as long as Lua takes to copy them). Versions only grow: a publication
takes the larger of the version in Redis and the newest this process knows, plus one, so a Redis restarted empty
never takes the deployment back to an older version number. Each publication is announced on a channel, which wakes
every process at once; every process also checks the version every ``catalogue_poll_s`` in case it missed the
announcement (Redis restarting, a dropped subscription). Only the lease holder may publish, checked inside the
script that moves the bytes into place, so a reader that lost its lease cannot overwrite its successor's catalogue.

Redis empty or away never loses a catalogue: every process keeps the one it holds, the reader publishes again what
it could not publish while Redis was away, and republishes what it holds when it finds Redis without it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from .background import stop
from .lease import ReaderLease
from .link import RedisLink, RedisUnavailable

_log = logging.getLogger(__name__)

# KEYS[1] the catalogue's version and time, KEYS[2] its bytes, KEYS[3] the publisher's upload, KEYS[4] the reader
# lease; ARGV[1] the publisher's lease id, ARGV[2] the newest version the publisher knows, ARGV[3] the publication
# time, ARGV[4] the announcement channel. The new version, or 0 (upload dropped) when the publisher does not hold the
# lease or its upload is gone.
_COMMIT = """
if redis.call('GET', KEYS[4]) ~= ARGV[1] or redis.call('EXISTS', KEYS[3]) == 0 then
  redis.call('DEL', KEYS[3])
  return 0
end
local version = math.max(tonumber(redis.call('HGET', KEYS[1], 'version') or '0'), tonumber(ARGV[2])) + 1
redis.call('RENAME', KEYS[3], KEYS[2])
redis.call('PERSIST', KEYS[2])
redis.call('HSET', KEYS[1], 'version', version, 'published_at', ARGV[3])
redis.call('PUBLISH', ARGV[4], version)
return version
"""


@dataclass(frozen=True)
class PublishedCatalogue:
    version: int
    data: bytes
    published_at: float
    """Wall-clock time (``time.time()``) of publication on the publisher's machine."""


class CatalogueShare:
    """The newest catalogue this process knows, kept current from Redis by background tasks.

    ``start()`` fetches the deployment's catalogue before it returns, so a process that joins can serve it at once.
    ``publish()`` is for the lease holder; every process, the reader included, sees each newer catalogue through
    ``current`` and ``wait_newer()``.
    """

    def __init__(self, link: RedisLink, lease: ReaderLease) -> None:
        self._link = link
        self._lease = lease
        self.key = link.key("catalogue")
        self.data_key = link.key("catalogue", "data")
        self.channel = link.key("catalogue", "published")
        self._upload_key = link.key("catalogue", "upload", lease.holder_id)
        # An upload whose commit never comes (the publisher died between the two) goes by itself.
        self._upload_ttl_ms = round(2 * link.settings.transfer_timeout_s * 1000)
        self._commit = link.client.register_script(_COMMIT)
        self._current: PublishedCatalogue | None = None
        # Bytes this process, as the reader, was asked to publish and could not yet.
        self._unpublished: bytes | None = None
        self._publishing = asyncio.Lock()
        self._changed = asyncio.Event()
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def current(self) -> PublishedCatalogue | None:
        return self._current

    def age_s(self) -> float | None:
        """Seconds since the current catalogue was published, None before there is one."""
        return None if self._current is None else max(0.0, time.time() - self._current.published_at)

    async def wait_newer(self, than: int = 0) -> PublishedCatalogue:
        """The current catalogue (fetched, or published here) as soon as its version is above ``than``: at once if
        it already is. Pass the version the caller last took (versions start at 1), so that one which came while it
        was busy is never missed; several that came meanwhile give the newest."""
        while self._current is None or self._current.version <= than:
            await self._changed.wait()
        return self._current

    async def start(self) -> PublishedCatalogue | None:
        await self._sync()
        self._tasks = [asyncio.create_task(self._poll(), name="catalogue-poll"),
                       asyncio.create_task(self._listen(), name="catalogue-announcements")]
        return self._current

    async def aclose(self) -> None:
        for task in self._tasks:
            await stop(task)

    async def publish(self, data: bytes) -> int | None:
        """Publishes ``data`` as the deployment's catalogue: its version, or None if it could not be published now.

        Only the lease holder publishes. When Redis is away, or the lease lapses meanwhile, the bytes are kept and
        published once Redis answers and this process holds the lease again, unless another reader publishes first
        (its catalogue, newer, replaces them). A newer ``publish`` replaces bytes kept so. Returns within about
        two ``transfer_timeout_s`` (it may wait for a fetch in progress), never raising.
        """
        if not self._lease.is_holder:
            return None
        async with self._publishing:
            self._unpublished = data
            return await self._publish_unpublished()

    async def _publish_unpublished(self) -> int | None:
        """Publishes the kept bytes, if any; the caller holds ``_publishing``, so the newest bytes always win."""
        data = self._unpublished
        if data is None or not self._lease.is_holder:
            return None
        published_at = time.time()
        known = 0 if self._current is None else self._current.version
        try:
            await self._link.run(lambda redis: redis.set(self._upload_key, data, px=self._upload_ttl_ms), transfer=True)
            version = int(await self._link.run(lambda redis: self._commit(
                keys=[self.key, self.data_key, self._upload_key, self._lease.key],
                args=[self._lease.holder_id, known, repr(published_at), self.channel], client=redis)))
        except RedisUnavailable:
            version = 0
        if not version:
            # Redis away, or without this process's lease (restarted empty and not yet claimed again, or lapsed):
            # kept for the next try.
            return None
        self._unpublished = None
        self._set_current(PublishedCatalogue(version, data, published_at))
        return version

    async def _poll(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._link.settings.catalogue_poll_s):
                    await self._wake.wait()
            self._wake.clear()
            await self._sync()

    async def _sync(self) -> None:
        async with self._publishing:
            await self._publish_unpublished()
            try:
                raw_version = await self._link.run(lambda redis: redis.hget(self.key, "version"))
            except RedisUnavailable:
                return
            in_redis = int(raw_version or 0)
            held = 0 if self._current is None else self._current.version
            if in_redis > held:
                await self._fetch()
            elif in_redis < held and self._unpublished is None and self._lease.is_holder and self._current:
                _log.warning("Redis lacks the current catalogue (restarted empty?): publishing it again")
                self._unpublished = self._current.data
                await self._publish_unpublished()

    async def _fetch(self) -> None:
        try:
            (version, published_at), data = await self._link.run(self._read_published, transfer=True)
        except RedisUnavailable:
            return
        if version is None or published_at is None or not isinstance(data, bytes):
            return  # gone since the version was read
        fetched = PublishedCatalogue(int(version), data, float(published_at))
        if self._current is None or fetched.version > self._current.version:
            self._unpublished = None  # another reader's catalogue, newer than what this process could not publish
            self._set_current(fetched)

    async def _read_published(self, redis: Redis) -> list[Any]:
        async with redis.pipeline(transaction=True) as transaction:
            transaction.hmget(self.key, ["version", "published_at"])
            transaction.get(self.data_key)
            return await transaction.execute()

    def _set_current(self, catalogue: PublishedCatalogue) -> None:
        self._current = catalogue
        self._changed.set()
        self._changed = asyncio.Event()

    async def _listen(self) -> None:
        """Wakes the poll at each announcement; resubscribes whenever the subscription breaks."""
        settings = self._link.settings
        while True:
            try:
                async with self._link.client.pubsub() as pubsub:
                    async with asyncio.timeout(settings.call_timeout_s):
                        await pubsub.subscribe(self.channel)
                    while True:
                        if await pubsub.get_message(ignore_subscribe_messages=True, timeout=settings.catalogue_poll_s):
                            self._wake.set()
            except (RedisError, OSError, TimeoutError):
                await asyncio.sleep(settings.reconnect_interval_s)
