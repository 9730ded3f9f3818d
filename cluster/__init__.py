"""One deployment across processes and machines through Redis (spec README, "Scaling out").

Each part takes the process's :class:`RedisLink` and never raises for want of Redis: a call is bounded by the
link's settings, and while Redis is slow, down or restarted empty each part degrades to what the process holds,
then shares again by itself once Redis answers. Nothing here takes a participant's token or data, so none can be
written to Redis.

- :class:`CatalogueMember`: the refresher's part (lease, catalogue share, status) on one link.
- :class:`ReaderLease`: whether this process is the one reading the feeds.
- :class:`CatalogueShare`: the catalogue the reader publishes, picked up by every process.
- :class:`SharedRateLimit`: per-client rate limits counted across the deployment.
- :class:`SharedQueryStore`: persisted queries known to every process.
- :class:`ClusterStatus`: what the refresher is doing, for ``/readyz`` and ``/metrics``.
"""

from .catalogue import CatalogueShare, PublishedCatalogue
from .lease import ReaderLease
from .link import RedisLink, RedisUnavailable
from .member import CatalogueMember
from .persisted_queries import SharedQueryStore
from .ratelimit import SharedRateLimit
from .settings import ClusterSettings
from .status import ClusterStatus

__all__ = [
    "CatalogueMember",
    "CatalogueShare",
    "ClusterSettings",
    "ClusterStatus",
    "PublishedCatalogue",
    "ReaderLease",
    "RedisLink",
    "RedisUnavailable",
    "SharedQueryStore",
    "SharedRateLimit",
]
