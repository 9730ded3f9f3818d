"""Prometheus metrics of one gateway: requests, latency, feed refreshes, listing counts, cache hits."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

CONTENT_TYPE = CONTENT_TYPE_LATEST


class Metrics:
    """One registry per gateway, so several gateways in one process (tests, benchmarks) never share counts."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "prakerja_http_requests", "HTTP requests served, by route and status class.",
            ["route", "status"], registry=self.registry,
        )
        self.latency = Histogram(
            "prakerja_http_request_seconds", "Time to answer an HTTP request, by route.",
            ["route"], registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
        )
        self.refreshes = Counter(
            "prakerja_feed_refreshes", "Feed refreshes, by platform and result (ok, failed).",
            ["platform", "result"], registry=self.registry,
        )
        self.refresh_seconds = Histogram(
            "prakerja_feed_refresh_seconds", "Time one refresh of a platform's feed took.",
            ["platform"], registry=self.registry, buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
        )
        self.listings = Gauge(
            "prakerja_feed_courses", "Courses on sale from each platform in the current snapshot.",
            ["platform"], registry=self.registry,
        )
        self.skipped = Gauge(
            "prakerja_feed_skipped_listings", "Listings left out of the latest good feed as invalid.",
            ["platform"], registry=self.registry,
        )
        self.breaker_open = Gauge(
            "prakerja_feed_breaker_open",
            "1 while a platform's circuit breaker is open (each refresh a single probe after a cool-down), else 0.",
            ["platform"], registry=self.registry,
        )
        self.catalogue_version = Gauge(
            "prakerja_catalogue_version", "Version of the catalogue snapshot this process serves.",
            registry=self.registry,
        )
        self.catalogue_age = Gauge(
            "prakerja_catalogue_age_seconds", "Seconds since the catalogue this process serves was published.",
            registry=self.registry,
        )
        self.reader = Gauge(
            "prakerja_feed_reader", "1 while this process's deployment member reads the feeds, else 0.",
            registry=self.registry,
        )
        self.redis_reachable = Gauge(
            "prakerja_redis_reachable", "1 while Redis answered the last call, else 0 (also when none is configured).",
            registry=self.registry,
        )
        self.cache = Counter(
            "prakerja_cache_lookups", "Cache lookups, by cache and result (hit, miss).",
            ["cache", "result"], registry=self.registry,
        )
        self.executions = Counter(
            "prakerja_graphql_executions", "GraphQL operations answered, by execution path (fast, general).",
            ["path"], registry=self.registry,
        )

    def render(self) -> bytes:
        return generate_latest(self.registry)
