"""The reader lease: at most one process of the deployment reads the feeds, and a dead reader is replaced.

The lease is one Redis key holding its holder's id, set with an expiry of ``lease_ttl_s``. Every process runs the
same loop three times per lease: claim the key if it is free or already its own (one atomic script, which both takes
a free lease and renews a held one). A SIGKILLed holder stops renewing, its key expires, and the next contender to
try takes it: within about 1.3 leases. A holder that cannot renew (Redis slow or down) steps down before its key
could expire, so a contender that takes over never overlaps it; a holder that finds the key someone else's (it was
paused past its lease) steps down at once. A Redis restarted empty is claimed again by the holder at its next
renewal, so the reading does not move.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import time
import uuid

from .background import stop
from .link import RedisLink, RedisUnavailable

# KEYS[1] the lease; ARGV[1] the claimant's id, ARGV[2] the lease in ms. 1 if the claimant holds it now, else 0.
_CLAIM = """
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
"""

# KEYS[1] the lease; ARGV[1] the holder's id. Deletes the lease only if it is still that holder's.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class ReaderLease:
    """Whether this process is the deployment's reader, kept up to date by a background task.

    ``start()`` makes a first claim before it returns, so ``is_holder`` is meaningful at once; ``aclose()`` releases
    a held lease, so a clean stop hands the reading over at the next contender's claim instead of after the expiry.
    """

    def __init__(self, link: RedisLink) -> None:
        self._link = link
        self.key = link.key("reader")
        # Names the holder to an operator reading the key; unique per process and start.
        self.holder_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._claim = link.client.register_script(_CLAIM)
        self._release = link.client.register_script(_RELEASE)
        self._ttl_ms = round(link.settings.lease_ttl_s * 1000)
        self._interval_s = link.settings.lease_ttl_s / 3
        self._held_until: float | None = None
        self._changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def is_holder(self) -> bool:
        return self._held_until is not None

    async def wait_changed(self, known: bool) -> bool:
        """Waits until ``is_holder`` is no longer ``known`` (returns at once if it already is not) and returns it.

        Pass what the caller last acted on, so a change that came and went while it was busy is never missed.
        """
        while self.is_holder == known:
            await self._changed.wait()
        return self.is_holder

    async def start(self) -> None:
        await self._claim_once()
        self._task = asyncio.create_task(self._keep_claiming(), name="reader-lease")

    async def aclose(self) -> None:
        if self._task is not None:
            await stop(self._task)
        if self.is_holder:
            with contextlib.suppress(RedisUnavailable):
                await self._link.run(lambda redis: self._release(keys=[self.key], args=[self.holder_id], client=redis))
            self._set_held_until(None)

    async def _keep_claiming(self) -> None:
        while True:
            await asyncio.sleep(self._interval_s)
            await self._claim_once()

    async def _claim_once(self) -> None:
        sent_at = time.monotonic()
        try:
            held = await self._link.run(
                lambda redis: self._claim(keys=[self.key], args=[self.holder_id, self._ttl_ms], client=redis))
        except RedisUnavailable:
            # Unknown whether the renewal landed: stay the reader only while the last known lease cannot expire
            # before the next try has had its answer, so no contender takes it over while this process still reads.
            next_answer_by = time.monotonic() + self._interval_s + self._link.settings.call_timeout_s
            if self._held_until is not None and next_answer_by >= self._held_until:
                self._set_held_until(None)
            return
        self._set_held_until(sent_at + self._link.settings.lease_ttl_s if held else None)

    def _set_held_until(self, held_until: float | None) -> None:
        was_holder = self.is_holder
        self._held_until = held_until
        if self.is_holder != was_holder:
            self._changed.set()
            self._changed = asyncio.Event()
