"""The cache of anonymous answers, over HTTP: the same answer again, never a signed-in caller's, never an old one."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import orjson
import pytest

from sandbox import DemoToken, SandboxThread
from tests.harness import GatewayThread, GraphQLClient

PAGE = """
query Page($first: Int!) {
  courses(first: $first) {
    totalCount
    edges { node { id title price { amount } eligibility { status reasons { code } } } }
  }
}
"""
ELIGIBLE = DemoToken.ELIGIBLE_2020.value
REFRESH_INTERVAL_S = 0.5


@pytest.fixture(scope="module")
def world() -> Iterator[tuple[SandboxThread, GatewayThread, GraphQLClient]]:
    with SandboxThread(courses=300) as upstreams:
        config = upstreams.gateway_config(catalogue={"refresh_interval_s": REFRESH_INTERVAL_S})
        with GatewayThread(config) as gateway, GraphQLClient(gateway.url) as client:
            gateway.wait_ready()
            yield upstreams, gateway, client


def lookups(client: GraphQLClient) -> dict[str, float]:
    """The response cache's hits and misses so far, from ``/metrics``."""
    text = client.http.get("/metrics").text
    found = re.findall(r'^prakerja_cache_lookups_total\{cache="response",result="(\w+)"\} (\S+)$', text, re.MULTILINE)
    return {"hit": 0.0, "miss": 0.0} | {result: float(value) for result, value in found}


def asked(client: GraphQLClient, **kwargs: Any) -> tuple[bytes, dict[str, float]]:
    """The answer's bytes, and how the cache's counts moved meanwhile."""
    before = lookups(client)
    response = client.post(PAGE, {"first": 5}, **kwargs)
    assert response.status_code == 200, response.text
    after = lookups(client)
    return response.content, {result: after[result] - before[result] for result in after}


def statuses(answer: bytes) -> set[str]:
    """The eligibility statuses an answer shows."""
    edges = orjson.loads(answer)["data"]["courses"]["edges"]
    return {edge["node"]["eligibility"]["status"] for edge in edges}


def test_the_same_anonymous_query_is_answered_again_from_the_cache(world: Any) -> None:
    _, _, client = world
    for _ in range(3):  # a refresh may come between two requests: then the second is computed again
        first, _ = asked(client)
        again, moved = asked(client)
        if moved["hit"]:
            break
    assert moved == {"hit": 1, "miss": 0}
    assert again == first


def test_a_signed_in_caller_is_never_answered_from_it_nor_adds_to_it(world: Any) -> None:
    _, _, client = world
    anonymous, _ = asked(client)
    signed_in, moved = asked(client, token=ELIGIBLE)
    assert moved == {"hit": 0, "miss": 0}
    assert statuses(anonymous) == {"SIGN_IN_REQUIRED"}
    assert "SIGN_IN_REQUIRED" not in statuses(signed_in)
    again, moved = asked(client, token=ELIGIBLE)
    assert moved == {"hit": 0, "miss": 0} and "SIGN_IN_REQUIRED" not in statuses(again)
    # Nor is anyone else answered with what the participant was shown.
    assert statuses(asked(client)[0]) == {"SIGN_IN_REQUIRED"}


def test_an_answer_with_errors_is_not_kept(world: Any) -> None:
    _, _, client = world
    for _ in range(2):
        before = lookups(client)
        response = client.post(PAGE, {"first": 0})
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        assert lookups(client)["miss"] - before["miss"] == 1


def test_a_refresh_that_changes_the_catalogue_changes_the_answer(world: Any) -> None:
    upstreams, _, client = world
    before, _ = asked(client)
    first = client(PAGE, {"first": 1})["courses"]
    gone = first["edges"][0]["node"]["id"]
    upstreams.replace_catalogue(upstreams.catalogue.without(gone))
    deadline = time.monotonic() + 4 * REFRESH_INTERVAL_S + 3
    while time.monotonic() < deadline:
        now = client(PAGE, {"first": 1})["courses"]
        if now["totalCount"] == first["totalCount"] - 1:
            break
        time.sleep(0.05)
    assert now["totalCount"] == first["totalCount"] - 1
    assert gone not in {edge["node"]["id"] for edge in client(PAGE, {"first": 5})["courses"]["edges"]}
    assert asked(client)[0] != before


def test_a_get_is_answered_from_the_same_cache_as_a_post(world: Any) -> None:
    _, _, client = world
    params = {"query": PAGE, "variables": '{"first": 5}'}
    for _ in range(3):  # a refresh may come between two requests: then the second is computed again
        posted, _ = asked(client)
        before = lookups(client)
        got = client.http.get("/graphql", params=params)
        after = lookups(client)
        if after["hit"] > before["hit"]:
            break
    assert after["hit"] - before["hit"] == 1
    assert got.content == posted
