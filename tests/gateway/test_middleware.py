"""The middleware around every route: the request body cap and the request metrics."""

from __future__ import annotations

import httpx

from tests.harness import GatewayThread


def test_metrics_show_requests_refreshes_and_listings(http: httpx.Client, gateway: GatewayThread) -> None:
    http.post("/graphql", json={"query": "{ platforms { slug } }"})
    text = http.get("/metrics").text
    for series in (
        'prakerja_http_requests_total{route="/graphql",status="2xx"}',
        "prakerja_http_request_seconds_bucket",
        'prakerja_feed_refreshes_total{platform="tokopedia",result="ok"}',
        'prakerja_feed_courses{platform="sisnaker"}',
        'prakerja_feed_skipped_listings{platform="sisnaker"}',
        "prakerja_feed_refresh_seconds_bucket",
    ):
        assert series in text, series


def test_a_body_over_the_limit_is_413(gateway: GatewayThread, http: httpx.Client) -> None:
    huge = "x" * (gateway.config.limits.max_body_bytes + 1)
    answer = http.post("/graphql", json={"query": "{ platforms { slug } }", "variables": {"pad": huge}})
    assert answer.status_code == 413
    assert answer.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
