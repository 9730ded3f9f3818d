"""The HTTP surface beside GraphQL: health, readiness, metrics and feed reports."""

from __future__ import annotations

import httpx
import orjson
import pytest

from gateway.cli import main
from sandbox import PLATFORMS, Fault, SandboxThread
from sandbox.platforms import STANDARD_FEED
from tests.harness import GatewayThread


def test_health_and_readiness(http: httpx.Client) -> None:
    assert http.get("/healthz").status_code == 200
    ready = http.get("/readyz")
    assert ready.status_code == 200 and ready.json()["ready"] is True


def test_not_ready_until_every_platform_was_tried() -> None:
    with SandboxThread(courses=100) as upstreams:
        upstreams.set_fault("pintaria", Fault(hang=True))
        config = upstreams.gateway_config(platforms={"pintaria": {"timeout_s": 0.5}})
        with GatewayThread(config) as gateway, httpx.Client(base_url=gateway.url) as http:
            assert http.get("/healthz").status_code == 200
            waiting = http.get("/readyz")
            assert waiting.status_code == 503 and waiting.json()["platforms"]["pintaria"] is False
            gateway.wait_ready(timeout_s=10)  # the hang ends in a failed refresh: tried, so ready
            assert http.get("/readyz").json()["platforms"]["pintaria"] is True


def test_a_gateway_with_no_platform_is_never_ready() -> None:
    with GatewayThread({}) as gateway, httpx.Client(base_url=gateway.url) as http:
        assert http.get("/healthz").status_code == 200
        ready = http.get("/readyz")
        assert ready.status_code == 503 and ready.json()["ready"] is False and ready.json()["platforms"] == {}


def test_each_platforms_last_refresh_is_reported_as_check_feed_would(
    http: httpx.Client, upstreams: SandboxThread, capsys: pytest.CaptureFixture[str]
) -> None:
    answer = http.get("/metrics/feeds")
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
    platforms = answer.json()["platforms"]
    assert sorted(platforms) == sorted(PLATFORMS)
    for slug in PLATFORMS:
        refreshed = platforms[slug]
        assert refreshed["last_error"] is None and refreshed["last_success_at"]
        report = refreshed["report"]
        assert report["on_sale"] == len(upstreams.catalogue.on_sale(slug))
        assert report["bundles"] == len([r for r in upstreams.catalogue.bundles(slug) if r.active and not r.bad_price])
        adapter = "standard" if slug in STANDARD_FEED else slug
        main(["check-feed", upstreams.urls[slug], "--adapter", adapter, "--api-key",
              upstreams.api_keys.get(slug, ""), "--json"])
        checked = orjson.loads(capsys.readouterr().out)
        assert report | {"responses": None} == checked | {"responses": None}, slug  # timings differ, nothing else


def test_a_failed_refresh_is_reported_with_what_stopped_it() -> None:
    with SandboxThread(courses=100) as upstreams:
        upstreams.set_fault("karirmu", Fault(garbage=True))
        with GatewayThread(upstreams.gateway_config()) as gateway, httpx.Client(base_url=gateway.url) as http:
            gateway.wait_ready()
            karirmu = http.get("/metrics/feeds").json()["platforms"]["karirmu"]
    error = "page 1: the response from /prakerja-feed/v1/courses is not valid JSON"
    assert karirmu["last_error"] == error and karirmu["last_success_at"] is None
    assert karirmu["report"]["ok"] is False and karirmu["report"]["errors"] == [error]


def test_graphiql_opens_in_a_browser(http: httpx.Client) -> None:
    page = http.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()


def test_a_query_may_come_by_get(http: httpx.Client) -> None:
    answer = http.get("/graphql", params={"query": "{ platforms { slug } }"})
    assert answer.status_code == 200 and len(answer.json()["data"]["platforms"]) == 9


def test_readiness_and_metrics_say_what_this_process_does(http: httpx.Client) -> None:
    ready = http.get("/readyz").json()
    assert ready["reader"] is True and ready["redis"] is None  # one process plays both roles, no Redis
    assert ready["catalogue"]["version"] > 0 and ready["catalogue"]["age_s"] >= 0
    metrics = http.get("/metrics").text
    assert "prakerja_feed_reader 1.0" in metrics and "prakerja_redis_reachable 0.0" in metrics
    assert "prakerja_catalogue_version " in metrics and "prakerja_catalogue_age_seconds " in metrics
    assert 'prakerja_feed_refreshes_total{platform="tokopedia",result="ok"}' in metrics  # from the refresher
