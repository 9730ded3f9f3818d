"""What this process is doing in the deployment, for ``/readyz`` and ``/metrics``."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Gauge

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

    def register_metrics(self, registry: CollectorRegistry) -> None:
        """Gauges read at each scrape: 0 for a version or an age while this process holds no catalogue."""
        gauges = {
            "prakerja_redis_reachable": ("1 while Redis answers this process, else 0.",
                                         lambda: float(self.redis_reachable)),
            "prakerja_reader": ("1 while this process holds the reader lease (reads the feeds), else 0.",
                                lambda: float(self.is_reader)),
            "prakerja_catalogue_version": ("Version of the deployment's catalogue this process holds.",
                                           lambda: float(self.catalogue_version or 0)),
            "prakerja_catalogue_age_seconds": ("Seconds since the catalogue this process holds was published.",
                                               lambda: self.catalogue_age_s or 0.0),
        }
        for name, (description, read) in gauges.items():
            Gauge(name, description, registry=registry).set_function(read)
