"""The catalogue: every enabled platform's feed read in the background into one immutable snapshot.

A query reads :attr:`Catalogue.snapshot` and never waits on an upstream. Each platform is refreshed on its
own schedule; a failed refresh keeps that platform's last good listings and records the error.

A transient failure (see :class:`adapters.base.TransientFeedError`) is retried within the refresh's own budget.
After :data:`BREAKER_THRESHOLD` failed refreshes in a row the platform's breaker opens: each refresh is then a single
probe without retries, starting no sooner than a cool-down after the last failure, until one succeeds.

A platform that comes back must be OK again within ``refresh_interval_s`` + 30 s, breaker included. So refreshes
start every ``refresh_interval_s`` counted from start to start (a refresh that failed slowly does not push the next
one back), a refresh's budget is the interval (unless one request's timeout is longer), and the cool-down is at most
:data:`MAX_COOLDOWN_S`: half of those 30 s, leaving the other half for the probe's own read.
"""

from __future__ import annotations

import asyncio
import logging
import operator
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import aiohttp

from adapters import ADAPTERS, Adapter, FeedError
from core.breaker import Breaker
from core.config import Config, ConfigError
from core.domain import Listing, PlatformStatus
from core.metrics import Metrics
from core.pacing import in_worker
from search.index import IndexPart, SearchIndex

log = logging.getLogger(__name__)

REFRESH_RETRIES = 2
BREAKER_THRESHOLD = 3
MAX_COOLDOWN_S = 15.0


@dataclass(frozen=True, slots=True)
class FeedState:
    """What the gateway knows of one platform's feed."""

    slug: str
    name: str
    suspended: bool
    part: IndexPart
    source: tuple[Listing, ...] = ()
    """Every listing of the last good feed, bundles included: what ``part`` was built from."""
    skipped: int = 0
    last_success_at: datetime | None = None
    last_error: str | None = None
    attempted: bool = False

    def status(self, now: datetime, stale_after_s: float) -> PlatformStatus:
        if self.suspended:
            return PlatformStatus.SUSPENDED
        if self.last_success_at is None:
            return PlatformStatus.DOWN
        if self.last_error is not None or (now - self.last_success_at).total_seconds() > stale_after_s:
            return PlatformStatus.STALE
        return PlatformStatus.OK


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything a query reads, consistent with itself: replaced whole, never changed in place."""

    version: int
    feeds: Mapping[str, FeedState]
    index: SearchIndex

    @property
    def suspended(self) -> frozenset[str]:
        return frozenset(slug for slug, feed in self.feeds.items() if feed.suspended)


_EMPTY = IndexPart.of(())


class Catalogue:
    """Keeps :attr:`snapshot` fresh by reading every enabled platform's feed in the background."""

    def __init__(self, config: Config, metrics: Metrics | None = None) -> None:
        self._config = config
        self._metrics = metrics or Metrics()
        self._platforms = {p.slug: p for p in config.enabled_platforms}
        for platform in self._platforms.values():
            if platform.adapter_name not in ADAPTERS:
                raise ConfigError(
                    f"'platforms.{platform.slug}.adapter': no adapter named {platform.adapter_name!r}"
                    f" (known: {', '.join(sorted(ADAPTERS))})"
                )
        feeds = {
            slug: FeedState(slug, ADAPTERS[p.adapter_name].display_name(p), p.suspended, _EMPTY)
            for slug, p in self._platforms.items()
        }
        self.snapshot = Snapshot(0, feeds, SearchIndex([], list(feeds)))
        cooldown_s = min(config.catalogue.refresh_interval_s, MAX_COOLDOWN_S)
        self._breakers = {slug: Breaker(cooldown_s, threshold=BREAKER_THRESHOLD) for slug in self._platforms}
        self._adapters: dict[str, Adapter] = {}
        self._session: aiohttp.ClientSession | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._rebuild = asyncio.Lock()

    @property
    def ready(self) -> bool:
        """Every enabled platform's first refresh has been attempted."""
        return all(feed.attempted for feed in self.snapshot.feeds.values())

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit_per_host=4), auto_decompress=True, raise_for_status=False
        )
        for slug, platform in self._platforms.items():
            self._adapters[slug] = ADAPTERS[platform.adapter_name](platform, self._session)
            self._metrics.breaker_open.labels(slug).set(0)
            self._tasks.append(asyncio.create_task(self._keep_fresh(slug), name=f"refresh:{slug}"))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        if self._session is not None:
            await self._session.close()

    async def _keep_fresh(self, slug: str) -> None:
        loop = asyncio.get_running_loop()
        breaker = self._breakers[slug]
        while True:
            started = loop.time()
            await self.refresh(slug)
            await asyncio.sleep(max(started + self._config.catalogue.refresh_interval_s - loop.time(),
                                    breaker.retry_in()))

    async def refresh(self, slug: str) -> None:
        """Read one platform's feed now; on failure keep its last good listings and record why.

        While the platform's breaker is open this is its probe: one read, no retries.
        """
        breaker = self._breakers[slug]
        adapter = self._adapters[slug]
        platform = self._platforms[slug]
        # At least one request's timeout, so that a short interval still lets a slow page arrive; else the interval,
        # so that a refresh that fails slowly (a feed crawling page after page) ends when the next one is due.
        budget = max(self._config.catalogue.refresh_interval_s, platform.timeout_s)
        started = time.perf_counter()
        try:
            result = await adapter.fetch(budget, retries=0 if breaker.is_open else REFRESH_RETRIES)
        except FeedError as exc:
            await self._failed(slug, str(exc))
            return
        except Exception:
            # An adapter bug costs that platform only; its message may hold upstream data, so it is not shown.
            log.exception("refresh of %s failed unexpectedly", slug)
            await self._failed(slug, "the feed could not be read (internal error)")
            return
        finally:
            self._metrics.refresh_seconds.labels(slug).observe(time.perf_counter() - started)
        breaker.succeeded()
        self._metrics.breaker_open.labels(slug).set(0)
        previous = self.snapshot.feeds[slug]
        # An unchanged feed (a 304, or the same listings again) keeps its index part: no re-tokenising, no rebuild.
        unchanged = await in_worker(operator.eq, result.listings, previous.source)
        part = previous.part if unchanged else await in_worker(IndexPart.of, result.listings)
        self._metrics.refreshes.labels(slug, "ok").inc()
        self._metrics.listings.labels(slug).set(len(part.listings))
        self._metrics.skipped.labels(slug).set(result.skipped)
        log.info("refreshed %s: %d courses on sale, %d listings skipped", slug, len(part.listings), result.skipped)
        fresh: dict[str, object] = {"skipped": result.skipped, "last_success_at": datetime.now(UTC),
                                    "last_error": None, "attempted": True}
        await self._update(slug, **(fresh if unchanged else {**fresh, "part": part, "source": result.listings}))

    async def _failed(self, slug: str, error: str) -> None:
        breaker = self._breakers[slug]
        breaker.failed()
        self._metrics.refreshes.labels(slug, "failed").inc()
        self._metrics.breaker_open.labels(slug).set(int(breaker.is_open))
        if breaker.is_open:
            error = f"circuit breaker open after {breaker.failures} failed refreshes in a row; last: {error}"
        log.warning("refresh of %s failed: %s", slug, error)
        await self._update(slug, last_error=error, attempted=True)

    async def _update(self, slug: str, **changes: object) -> None:
        async with self._rebuild:
            feeds = dict(self.snapshot.feeds)
            feeds[slug] = replace(feeds[slug], **changes)  # type: ignore[arg-type]
            if "part" in changes:
                index = await in_worker(SearchIndex, [f.part for f in feeds.values()], list(feeds))
            else:
                index = self.snapshot.index
            self.snapshot = Snapshot(self.snapshot.version + 1, feeds, index)
