"""What this process is doing in the deployment, for ``/readyz`` and ``/metrics``."""

from __future__ import annotations

from typing import Any

from .catalogue import CatalogueShare
from .lease import ReaderLease
from .link import RedisLink


class ClusterStatus:
    """Plain properties read from the parts, so they are never out of date and cost nothing to keep."""

    def __init__(self, link: RedisLink, lease: ReaderLease, catalogues: CatalogueShare) -> None:
        self._link = link
        self._lease = lease
        self._catalogues = catalogues

    @property
    def redis_reachable(self) -> bool:
        """False from a Redis call that failed for want of Redis until Redis answers again."""
        return self._link.reachable

    @property
    def is_reader(self) -> bool:
        return self._lease.is_holder

    @property
    def catalogue_version(self) -> int | None:
        current = self._catalogues.current
        return None if current is None else current.version

    @property
    def catalogue_age_s(self) -> float | None:
        return self._catalogues.age_s()

    def to_json(self) -> dict[str, Any]:
        """The refresher's status file's fields (``reader``, ``redis``, ``version``), plus the catalogue's age."""
        return {"reader": self.is_reader, "redis": self.redis_reachable, "version": self.catalogue_version,
                "age_s": self.catalogue_age_s}
