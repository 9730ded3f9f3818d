"""The refresher's part in a deployment shared through Redis: contending for the reading, holding the catalogue."""

from __future__ import annotations

from .catalogue import CatalogueShare, PublishedCatalogue
from .lease import ReaderLease
from .link import RedisLink
from .settings import ClusterSettings
from .status import ClusterStatus


class CatalogueMember:
    """A lease, the catalogue share and their status on one link, started and stopped together.

    ``start()`` contends for the reader lease and fetches the deployment's catalogue (returned: None if there is none
    yet or Redis is away); ``aclose()`` releases the lease if held and closes the link. Serving processes, which
    neither read feeds nor need the catalogue from Redis, build a :class:`SharedRateLimit` and a
    :class:`SharedQueryStore` on a :class:`RedisLink` of their own instead.
    """

    def __init__(self, settings: ClusterSettings) -> None:
        self.link = RedisLink(settings)
        self.lease = ReaderLease(self.link)
        self.catalogues = CatalogueShare(self.link, self.lease)
        self.status = ClusterStatus(self.link, self.lease, self.catalogues)

    async def start(self) -> PublishedCatalogue | None:
        await self.lease.start()
        return await self.catalogues.start()

    async def aclose(self) -> None:
        await self.catalogues.aclose()
        await self.lease.aclose()
        await self.link.aclose()
