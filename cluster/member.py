"""This process's part in a deployment shared through Redis, all parts on one link, started and stopped together."""

from __future__ import annotations

from collections.abc import Callable

from .catalogue import CatalogueShare, PublishedCatalogue
from .lease import ReaderLease
from .link import RedisLink
from .persisted_queries import SharedQueryStore
from .ratelimit import SharedRateLimit
from .settings import ClusterSettings
from .status import ClusterStatus


class ClusterMember:
    """``start()`` contends for the reader lease and fetches the deployment's catalogue (returned, None if there is
    none yet or Redis is away); ``aclose()`` releases the lease if held and closes the connection."""

    def __init__(self, settings: ClusterSettings) -> None:
        self.link = RedisLink(settings)
        self.lease = ReaderLease(self.link)
        self.catalogues = CatalogueShare(self.link, self.lease)
        self.queries = SharedQueryStore(self.link)
        self.status = ClusterStatus(self.link, self.lease, self.catalogues)

    def rate_limit(self, per_minute: int, fallback: Callable[[str], float]) -> SharedRateLimit:
        return SharedRateLimit(self.link, per_minute, fallback)

    async def start(self) -> PublishedCatalogue | None:
        await self.lease.start()
        return await self.catalogues.start()

    async def aclose(self) -> None:
        await self.catalogues.aclose()
        await self.lease.aclose()
        await self.link.aclose()
