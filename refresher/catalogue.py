"""The catalogue as the refresher keeps it: every enabled platform's feed read on its own schedule, and a new
snapshot image published whenever what is known changed.

A failed refresh keeps that platform's last good listings and records the error. A transient failure (see
:class:`adapters.base.TransientFeedError`) is retried within the refresh's own budget. After
:data:`BREAKER_THRESHOLD` failed refreshes in a row the platform's breaker opens: each refresh is then a single probe
without retries, starting no sooner than a cool-down after the last failure, until one succeeds.

A platform that comes back must be OK again within ``refresh_interval_s`` + 30 s, breaker included. So refreshes
start every ``refresh_interval_s`` counted from start to start (a refresh that failed slowly does not push the next
one back), a refresh's budget is the interval (unless one request's timeout is longer), and the cool-down is at most
:data:`MAX_COOLDOWN_S`: half of those 30 s, leaving the other half for the probe's own read.

Changes that land close together (every feed refreshed in the same second) make one image, not one each: a new
image is built at most every :data:`PUBLISH_GAP_S`.
"""

from __future__ import annotations

import asyncio
import logging
import operator
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime

import aiohttp

from adapters import ADAPTERS, Adapter, FeedError
from core.breaker import Breaker
from core.config import CatalogueConfig, Config, ConfigError, PlatformConfig
from core.domain import Listing
from core.feed_report import FeedReport
from core.image import Image, ImageWriter
from core.metrics import Metrics
from core.snapshot import FeedState, IndexPart, image_of, listing_from_json
from core.worker import in_worker
from refresher.indexing import index_part

log = logging.getLogger(__name__)

REFRESH_RETRIES = 2
BREAKER_THRESHOLD = 3
MAX_COOLDOWN_S = 15.0
PUBLISH_GAP_S = 1.0

Publish = Callable[[ImageWriter], Awaitable[None]]


def check_adapters(config: Config) -> None:
    """Refuse a configuration naming an adapter that does not exist, before anything starts."""
    for platform in config.enabled_platforms:
        if platform.adapter_name not in ADAPTERS:
            raise ConfigError(
                f"'platforms.{platform.slug}.adapter': no adapter named {platform.adapter_name!r}"
                f" (known: {', '.join(sorted(ADAPTERS))})"
            )


def feed_session() -> aiohttp.ClientSession:
    """The HTTP client the feeds are read with, by a refresh and by ``check-feed`` alike."""
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit_per_host=4), auto_decompress=True, raise_for_status=False
    )


def refresh_budget_s(catalogue: CatalogueConfig, platform: PlatformConfig) -> float:
    """How long one refresh of a platform may take.

    At least one request's timeout, so that a short interval still lets a slow page arrive; else the interval,
    so that a refresh that fails slowly (a feed crawling page after page) ends when the next one is due.
    """
    return max(catalogue.refresh_interval_s, platform.timeout_s)


class CatalogueRefresher:
    """Reads every enabled platform's feed in the background and publishes each new catalogue through
    ``publish``. Seeded with the last published image, it goes on from there: last good listings kept, each
    platform's next refresh due an interval after its last attempt, so a deployment whose reader changed reads
    each feed once per interval all the same."""

    def __init__(self, config: Config, publish: Publish, metrics: Metrics | None = None) -> None:
        check_adapters(config)
        self._config = config
        self._publish = publish
        self._metrics = metrics or Metrics()
        self._platforms = {p.slug: p for p in config.enabled_platforms}
        self.feeds = {
            slug: FeedState(slug, ADAPTERS[p.adapter_name].display_name(p), p.suspended)
            for slug, p in self._platforms.items()
        }
        self._sources: dict[str, tuple[Listing, ...]] = {slug: () for slug in self._platforms}
        self._parts: dict[str, IndexPart] = {slug: IndexPart() for slug in self._platforms}
        self.version = 0
        self.seeded = False
        cooldown_s = min(config.catalogue.refresh_interval_s, MAX_COOLDOWN_S)
        self._breakers = {slug: Breaker(cooldown_s, threshold=BREAKER_THRESHOLD) for slug in self._platforms}
        self._adapters: dict[str, Adapter] = {}
        self._session: aiohttp.ClientSession | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._changed = asyncio.Event()

    def _seed(self, image: Image) -> None:
        """Take up where the image's writer left off (another process, or this deployment before a restart)."""
        known = {feed["slug"]: FeedState.from_json(feed) for feed in image.meta.get("feeds", [])}
        listings = image.strings("listings")
        by_platform: dict[str, list[Listing]] = {}
        for doc in range(len(listings)):
            listing = listing_from_json(listings.raw(doc))
            by_platform.setdefault(listing.platform, []).append(listing)
        for slug in self._platforms:
            if slug in known:
                state = known[slug]
                self.feeds[slug] = replace(self.feeds[slug], courses=state.courses, skipped=state.skipped,
                                           last_success_at=state.last_success_at,
                                           last_attempt_at=state.last_attempt_at, last_error=state.last_error,
                                           attempted=state.attempted, report=state.report)
                self._sources[slug] = tuple(by_platform.get(slug, ()))
                self._parts[slug] = index_part(self._sources[slug])
        self.version = int(image.meta.get("version", 0))
        self.seeded = True

    @property
    def ready(self) -> bool:
        """Servers may answer: every enabled platform's first refresh was attempted, or the catalogue was seeded;
        never with no platform at all."""
        return bool(self.feeds) and (self.seeded or all(feed.attempted for feed in self.feeds.values()))

    async def start(self, seed: Image | None = None) -> None:
        if seed is not None:
            await in_worker(self._seed, seed)
        self._session = feed_session()
        for slug, platform in self._platforms.items():
            self._adapters[slug] = ADAPTERS[platform.adapter_name](platform, self._session)
            self._metrics.breaker_open.labels(slug).set(0)
            self._tasks.append(asyncio.create_task(self._keep_fresh(slug), name=f"refresh:{slug}"))
        self._tasks.append(asyncio.create_task(self._keep_published(), name="publish"))
        self._changed.set()  # the first image, even before any feed answers: it names the platforms

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        if self._session is not None:
            await self._session.close()

    async def _keep_fresh(self, slug: str) -> None:
        interval = self._config.catalogue.refresh_interval_s
        last = self.feeds[slug].last_attempt_at
        if last is not None:  # seeded: the feed was read lately, by whoever held the reading then
            await asyncio.sleep(max(0.0, interval - (datetime.now(UTC) - last).total_seconds()))
        loop = asyncio.get_running_loop()
        breaker = self._breakers[slug]
        while True:
            started = loop.time()
            await self.refresh(slug)
            await asyncio.sleep(max(started + interval - loop.time(), breaker.retry_in()))

    async def refresh(self, slug: str) -> None:
        """Read one platform's feed now; on failure keep its last good listings and record why.

        While the platform's breaker is open this is its probe: one read, no retries.
        """
        breaker = self._breakers[slug]
        adapter = self._adapters[slug]
        platform = self._platforms[slug]
        budget = refresh_budget_s(self._config.catalogue, platform)
        started = time.perf_counter()
        attempted_at = datetime.now(UTC)
        try:
            result = await adapter.fetch(budget, retries=0 if breaker.is_open else REFRESH_RETRIES)
        except FeedError as exc:
            self._failed(slug, str(exc), attempted_at, exc.report)
            return
        except Exception:
            # An adapter bug costs that platform only; its message may hold upstream data, so it is not shown.
            log.exception("refresh of %s failed unexpectedly", slug)
            error = "the feed could not be read (internal error)"
            self._failed(slug, error, attempted_at, FeedReport(platform.adapter_name, errors=(error,)))
            return
        finally:
            self._metrics.refresh_seconds.labels(slug).observe(time.perf_counter() - started)
        breaker.succeeded()
        self._metrics.breaker_open.labels(slug).set(0)
        # An unchanged feed (a 304, or the same listings again) keeps its index part: no re-tokenising.
        if not await in_worker(operator.eq, result.listings, self._sources[slug]):
            self._parts[slug] = await in_worker(index_part, result.listings)
            self._sources[slug] = result.listings
        courses = len(self._parts[slug].listings)
        self._metrics.refreshes.labels(slug, "ok").inc()
        self._metrics.listings.labels(slug).set(courses)
        self._metrics.skipped.labels(slug).set(result.skipped)
        log.info("refreshed %s: %d courses on sale, %d listings skipped", slug, courses, result.skipped)
        self._update(slug, courses=courses, skipped=result.skipped, last_success_at=datetime.now(UTC),
                     last_attempt_at=attempted_at, last_error=None, attempted=True, report=result.report)

    def _failed(self, slug: str, error: str, attempted_at: datetime, report: FeedReport | None) -> None:
        breaker = self._breakers[slug]
        breaker.failed()
        self._metrics.refreshes.labels(slug, "failed").inc()
        self._metrics.breaker_open.labels(slug).set(int(breaker.is_open))
        if breaker.is_open:
            error = f"circuit breaker open after {breaker.failures} failed refreshes in a row; last: {error}"
        log.warning("refresh of %s failed: %s", slug, error)
        self._update(slug, last_error=error, last_attempt_at=attempted_at, attempted=True, report=report)

    def _update(self, slug: str, **changes: object) -> None:
        self.feeds[slug] = replace(self.feeds[slug], **changes)  # type: ignore[arg-type]
        self._changed.set()

    async def _keep_published(self) -> None:
        while True:
            await self._changed.wait()
            self._changed.clear()
            self.version += 1
            meta = {
                "version": self.version,
                "published_at": datetime.now(UTC).isoformat(),
                "ready": self.ready,
                "feeds": [feed.to_json() for feed in self.feeds.values()],
            }
            image = await in_worker(image_of, dict(self._parts), meta)
            await self._publish(image)
            await asyncio.sleep(PUBLISH_GAP_S)
