"""Every bound of the Redis layer, defined once here and passed in to each part."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ClusterSettings:
    """How one process takes part in a deployment shared through Redis.

    ``call_timeout_s`` bounds every short Redis call (lease, version poll, rate limit, persisted query): no caller
    waits longer on Redis. ``transfer_timeout_s`` bounds moving one whole catalogue, which only background tasks do.
    While Redis is unreachable, calls fail at once instead of waiting, and Redis is probed every
    ``reconnect_interval_s``. The reader lease lasts ``lease_ttl_s`` and is renewed three times per lease, so a dead
    holder is replaced within about 1.3 leases. Every process checks the published catalogue's version at least every
    ``catalogue_poll_s``, besides being notified of each publication.
    """

    redis_url: str
    key_prefix: str = "prakerja"
    call_timeout_s: float = 0.1
    transfer_timeout_s: float = 10.0
    reconnect_interval_s: float = 1.0
    lease_ttl_s: float = 10.0
    catalogue_poll_s: float = 2.0
    query_ttl_s: int = 86_400
    max_query_bytes: int = 64 * 1024

    def __post_init__(self) -> None:
        durations = (self.call_timeout_s, self.transfer_timeout_s, self.reconnect_interval_s, self.lease_ttl_s,
                     self.catalogue_poll_s, self.query_ttl_s, self.max_query_bytes)
        if min(durations) <= 0:
            raise ValueError("every cluster timeout, interval and size must be positive")
        if not self.key_prefix:
            raise ValueError("the cluster key prefix must not be empty")
