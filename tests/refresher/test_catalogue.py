"""The catalogue's background refresh over real feeds: a failing platform costs that platform only, is retried
when the failure may pass, is left alone by its breaker when it persists, and is OK again soon after it is back."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import httpx
import pytest

from sandbox import Fault, SandboxThread
from tests.harness import GatewayThread, GraphQLClient

REFRESH_S = 0.3
HANG_S = 2
"""Tokopedia's timeout: short, as a hang costs it, but long enough for a busy machine to read a whole feed."""
FLAKY = "pintaria"
"""Given a timeout of 3 s here, so its refresh budget has room for retries (one request per refresh: one XML file)."""
PLATFORMS = "{ platforms { slug status courseCount lastError lastRefreshedAt } }"
COUNT = "query($p: [String!]) { courses(filter: {platforms: $p}) { totalCount } }"


@pytest.fixture(scope="module")
def upstreams() -> Iterator[SandboxThread]:
    with SandboxThread(courses=400) as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def gateway(upstreams: SandboxThread) -> Iterator[GatewayThread]:
    config = upstreams.gateway_config(catalogue={"refresh_interval_s": REFRESH_S},
                                      platforms={"tokopedia": {"timeout_s": HANG_S}, FLAKY: {"timeout_s": 3}})
    with GatewayThread(config) as gateway:
        gateway.wait_ready()
        yield gateway


@pytest.fixture
def client(gateway: GatewayThread, upstreams: SandboxThread) -> Iterator[GraphQLClient]:
    with GraphQLClient(gateway.url) as client:
        wait_for(client, lambda p: all(x["status"] == "OK" for x in p.values()))
        yield client
    upstreams.clear_faults()


def platforms(client: GraphQLClient) -> dict[str, dict[str, Any]]:
    return {p["slug"]: p for p in client(PLATFORMS)["platforms"]}


def wait_for(client: GraphQLClient, condition: Callable[[dict[str, dict[str, Any]]], bool],
             timeout_s: float = 10) -> dict[str, dict[str, Any]]:
    deadline = time.monotonic() + timeout_s
    while True:
        seen = platforms(client)
        if condition(seen):
            return seen
        assert time.monotonic() < deadline, f"condition not met: {seen}"
        time.sleep(0.05)


@pytest.mark.parametrize(
    ("fault", "said"),
    [
        (Fault(status=500), "HTTP 500"),
        (Fault(garbage=True), "not valid JSON"),
        (Fault(truncated=True), "cut off"),
        (Fault(hang=True), f"{HANG_S} s"),
        (Fault(in_band_error=True), "error code"),
    ],
    ids=["5xx", "garbage", "truncated", "hang", "in-band-error"],
)
def test_a_failing_platform_turns_stale_and_keeps_its_courses(
    client: GraphQLClient, upstreams: SandboxThread, fault: Fault, said: str
) -> None:
    on_sale = len(upstreams.catalogue.on_sale("tokopedia"))
    upstreams.set_fault("tokopedia", fault)
    seen = wait_for(client, lambda p: p["tokopedia"]["status"] == "STALE")
    assert said in seen["tokopedia"]["lastError"]
    assert seen["tokopedia"]["courseCount"] == on_sale
    assert client(COUNT, {"p": ["tokopedia"]})["courses"]["totalCount"] == on_sale
    others = {slug: p for slug, p in seen.items() if slug != "tokopedia"}
    assert all(p["status"] == "OK" for p in others.values())

    upstreams.clear_faults()
    recovered = wait_for(client, lambda p: p["tokopedia"]["status"] == "OK")
    assert recovered["tokopedia"]["lastError"] is None


def metric(gateway: GatewayThread, name: str, **labels: str) -> float:
    """A sample of the gateway's /metrics, 0 when absent (a counter not yet incremented)."""
    wanted = name + "{" + ",".join(f'{key}="{value}"' for key, value in labels.items()) + "} "
    for line in httpx.get(gateway.url + "/metrics").text.splitlines():
        if line.startswith(wanted):
            return float(line.removeprefix(wanted))
    return 0.0


def refreshes(gateway: GatewayThread, result: str) -> float:
    return metric(gateway, "prakerja_feed_refreshes_total", platform=FLAKY, result=result)


def others_ok(seen: dict[str, dict[str, Any]]) -> bool:
    return all(p["status"] == "OK" for slug, p in seen.items() if slug != FLAKY)


@pytest.mark.parametrize("fault", [Fault(status=500, times=1), Fault(truncated=True, times=1)],
                         ids=["5xx", "truncated"])
def test_a_transient_failure_is_retried_within_the_refresh(
    client: GraphQLClient, upstreams: SandboxThread, gateway: GatewayThread, fault: Fault
) -> None:
    failed, ok = refreshes(gateway, "failed"), refreshes(gateway, "ok")
    upstreams.set_fault(FLAKY, fault)
    deadline = time.monotonic() + 10
    while FLAKY in upstreams.faults or refreshes(gateway, "ok") < ok + 2:  # the refresh that met it, and one more
        assert platforms(client)[FLAKY]["status"] == "OK"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert refreshes(gateway, "failed") == failed
    assert platforms(client)[FLAKY]["lastError"] is None


@pytest.mark.parametrize("fault", [Fault(status=401), Fault(garbage=True)], ids=["401", "garbage"])
def test_a_failure_that_would_happen_again_is_not_retried(
    client: GraphQLClient, upstreams: SandboxThread, gateway: GatewayThread, fault: Fault
) -> None:
    upstreams.set_fault(FLAKY, fault)
    wait_for(client, lambda p: p[FLAKY]["status"] == "STALE")
    failed, sent = refreshes(gateway, "failed"), upstreams.request_count(FLAKY)
    wait_for(client, lambda p: refreshes(gateway, "failed") >= failed + 2)
    # One request per failed refresh (one more may be on its way): retries would have made it three.
    assert upstreams.request_count(FLAKY) - sent <= refreshes(gateway, "failed") - failed + 1


def test_a_platform_that_keeps_failing_is_left_alone_by_its_breaker_until_it_is_back(
    client: GraphQLClient, upstreams: SandboxThread, gateway: GatewayThread
) -> None:
    on_sale = len(upstreams.catalogue.on_sale(FLAKY))
    sent = upstreams.request_count(FLAKY)
    upstreams.set_fault(FLAKY, Fault(status=500))
    seen = wait_for(client, lambda p: p[FLAKY]["status"] == "STALE")
    assert seen[FLAKY]["lastError"].startswith("page 1: HTTP 500")
    assert upstreams.request_count(FLAKY) - sent >= 3, "STALE only after the retries"

    seen = wait_for(client, lambda p: "circuit breaker open" in p[FLAKY]["lastError"])
    assert seen[FLAKY]["status"] == "STALE" and "HTTP 500" in seen[FLAKY]["lastError"]
    assert seen[FLAKY]["courseCount"] == on_sale and others_ok(seen)
    assert metric(gateway, "prakerja_feed_breaker_open", platform=FLAKY) == 1

    # While open, each refresh is one probe: a request per failed refresh, where a closed breaker spent three.
    failed, sent = refreshes(gateway, "failed"), upstreams.request_count(FLAKY)
    seen = wait_for(client, lambda p: refreshes(gateway, "failed") >= failed + 3)
    assert upstreams.request_count(FLAKY) - sent <= refreshes(gateway, "failed") - failed + 1
    assert seen[FLAKY]["courseCount"] == on_sale and others_ok(seen)

    upstreams.clear_faults()
    recovered = wait_for(client, lambda p: p[FLAKY]["status"] == "OK")
    assert recovered[FLAKY]["lastError"] is None and recovered[FLAKY]["courseCount"] == on_sale
    assert others_ok(recovered)
    assert metric(gateway, "prakerja_feed_breaker_open", platform=FLAKY) == 0


def test_a_refresh_picks_up_changes_to_the_feed(client: GraphQLClient, upstreams: SandboxThread) -> None:
    original = upstreams.catalogue
    gone, changed = original.on_sale("pintaria")[:2]
    try:
        upstreams.replace_catalogue(original.without(gone.id).with_records([replace(changed, price=123_456)]))
        course = "query($id: ID!) { course(id: $id) { price { amount } } }"
        deadline = time.monotonic() + 10
        while client(course, {"id": gone.id})["course"] is not None:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert client(course, {"id": changed.id})["course"] == {"price": {"amount": 123_456}}
    finally:
        upstreams.replace_catalogue(original)


def test_a_platform_never_read_is_down_and_the_others_are_served(upstreams: SandboxThread) -> None:
    config = upstreams.gateway_config(catalogue={"refresh_interval_s": 60},
                                      platforms={"bukalapak": {"api_key": "wrong-key"}})
    with GatewayThread(config) as gateway, GraphQLClient(gateway.url) as client:
        gateway.wait_ready()
        seen = platforms(client)
        assert seen["bukalapak"]["status"] == "DOWN"
        assert seen["bukalapak"]["courseCount"] == 0 and seen["bukalapak"]["lastRefreshedAt"] is None
        assert "401" in seen["bukalapak"]["lastError"] and "wrong-key" not in seen["bukalapak"]["lastError"]
        assert all(p["status"] == "OK" for slug, p in seen.items() if slug != "bukalapak")
        total = client(COUNT, {"p": None})["courses"]["totalCount"]
        assert total == len(upstreams.catalogue.on_sale()) - len(upstreams.catalogue.on_sale("bukalapak"))


def test_a_suspended_platform_is_listed_but_nothing_is_purchasable(upstreams: SandboxThread) -> None:
    config = upstreams.gateway_config(platforms={"sisnaker": {"suspended": True}, "pijarmahir": {"enabled": False}})
    query = """{ platforms { slug status courseCount }
                 courses(filter: {platforms: ["sisnaker"]}, first: 100) {
                   totalCount edges { node { eligibility { status reasons { code } } } } } }"""
    with GatewayThread(config) as gateway, GraphQLClient(gateway.url) as client:
        gateway.wait_ready()
        data = client(query)
        seen = {p["slug"]: p for p in data["platforms"]}
        assert "pijarmahir" not in seen, "a disabled platform is neither read nor listed"
        assert seen["sisnaker"]["status"] == "SUSPENDED"
        assert data["courses"]["totalCount"] == len(upstreams.catalogue.on_sale("sisnaker")) > 0
        for edge in data["courses"]["edges"]:
            assert edge["node"]["eligibility"]["status"] == "INELIGIBLE"
            assert edge["node"]["eligibility"]["reasons"][0]["code"] == "PLATFORM_SUSPENDED"


def test_a_snapshot_older_than_stale_after_is_stale(upstreams: SandboxThread) -> None:
    config = upstreams.gateway_config(catalogue={"refresh_interval_s": 60, "stale_after_s": 0.2})
    with GatewayThread(config) as gateway, GraphQLClient(gateway.url) as client:
        gateway.wait_ready()
        time.sleep(0.3)
        assert {p["status"] for p in platforms(client).values()} == {"STALE"}
        assert all(p["lastError"] is None for p in platforms(client).values())
