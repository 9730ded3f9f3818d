"""``/graphql`` as GraphQL-over-HTTP clients expect it: media types, status codes, caching headers, GraphiQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from sandbox import DemoToken, SandboxThread
from tests.gateway.conftest import NodeClients
from tests.harness import GatewayThread

GRAPHQL_RESPONSE = "application/graphql-response+json"
NEVER_EXECUTED = {
    "syntax": {"query": "{ courses { "},
    "validation": {"query": "{ nope }"},
    "variables": {"query": "query($f: Int!) { courses(first: $f) { totalCount } }", "variables": {"f": "ten"}},
    "missing-variable": {"query": "query($f: Int!) { courses(first: $f) { totalCount } }"},
    "unknown-operation": {"query": "query A { __typename }", "operationName": "B"},
    "mutation": {"query": "mutation { __typename }"},
    "too-deep": {"query": "{ " + "viewer { " * 20 + "}" * 21},
}


def test_the_graphql_over_http_audit_passes_without_an_error_or_a_warning(
    node_clients: NodeClients, gateway: GatewayThread
) -> None:
    results = node_clients.run("audit.cjs", f"{gateway.url}/graphql")
    assert len(results) > 50
    assert [result for result in results if result["status"] != "ok"] == []


@pytest.mark.parametrize(
    ("accept", "answered_as"),
    [
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        (f"{GRAPHQL_RESPONSE}, application/json;q=0.9", GRAPHQL_RESPONSE),
        (f"application/json, {GRAPHQL_RESPONSE};q=0.5", "application/json"),
        ("application/json", "application/json"),
        ("*/*", "application/json"),
        (None, "application/json"),
    ],
)
def test_the_answer_has_the_media_type_the_client_prefers(
    http: httpx.Client, accept: str | None, answered_as: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    answer = http.post("/graphql", json={"query": "{ __typename }"}, headers=headers)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == f"{answered_as}; charset=utf-8"


@pytest.mark.parametrize("request_body", NEVER_EXECUTED.values(), ids=NEVER_EXECUTED.keys())
def test_a_request_never_executed_is_a_400_without_data_for_graphql_response_clients(
    http: httpx.Client, request_body: dict[str, Any]
) -> None:
    answer = http.post("/graphql", json=request_body, headers={"Accept": GRAPHQL_RESPONSE})
    assert answer.status_code == 400, answer.text
    body = answer.json()
    assert "data" not in body
    assert all(error["extensions"]["code"] in ("BAD_USER_INPUT", "QUERY_TOO_COMPLEX") for error in body["errors"])


@pytest.mark.parametrize("request_body", NEVER_EXECUTED.values(), ids=NEVER_EXECUTED.keys())
def test_a_request_never_executed_is_a_200_without_data_for_json_clients(
    http: httpx.Client, request_body: dict[str, Any]
) -> None:
    answer = http.post("/graphql", json=request_body, headers={"Accept": "application/json"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert "data" not in body and body["errors"][0]["extensions"]["code"]


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE, "application/json"])
def test_an_error_during_execution_is_a_200_with_data(http: httpx.Client, accept: str) -> None:
    answer = http.post("/graphql", json={"query": "{ courses(first: 0) { totalCount } }"}, headers={"Accept": accept})
    assert answer.status_code == 200
    body = answer.json()
    assert body["data"] is None and body["errors"][0]["path"] == ["courses"]
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_a_mutation_by_get_is_a_405(http: httpx.Client) -> None:
    answer = http.get("/graphql", params={"query": "mutation { __typename }"}, headers={"Accept": GRAPHQL_RESPONSE})
    assert answer.status_code == 405 and answer.headers["allow"] == "POST"
    assert answer.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


# -- caching by HTTP ---------------------------------------------------------------------------------------------


def test_an_anonymous_get_may_be_kept_by_a_cdn_until_the_next_refresh(
    http: httpx.Client, gateway: GatewayThread
) -> None:
    answer = http.get("/graphql", params={"query": "{ platforms { slug } }"})
    assert answer.status_code == 200
    directives = answer.headers["cache-control"]
    assert re.fullmatch(r"public, max-age=\d+", directives)
    assert int(directives.rsplit("=", 1)[1]) <= gateway.config.catalogue.refresh_interval_s
    assert {"Accept", "Authorization"} <= set(re.split(r",\s*", answer.headers["vary"]))


@pytest.mark.parametrize(
    ("params", "headers"),
    [
        ({"query": "{ viewer { cardNumber } }"}, {"Authorization": f"Bearer {DemoToken.ELIGIBLE_2020.value}"}),
        ({"query": "{ courses(first: 0) { totalCount } }"}, {}),
        ({"query": "{ nope }"}, {}),
    ],
    ids=["signed-in", "execution-error", "never-executed"],
)
def test_no_cdn_keeps_a_signed_in_answer_or_an_error(
    http: httpx.Client, params: dict[str, str], headers: dict[str, str]
) -> None:
    answer = http.get("/graphql", params=params, headers=headers)
    assert answer.headers["cache-control"] == "no-store"


def test_a_post_says_nothing_of_caching(http: httpx.Client) -> None:
    assert "cache-control" not in http.post("/graphql", json={"query": "{ __typename }"}).headers


# -- GraphiQL ------------------------------------------------------------------------------------------------------


def test_a_browser_opening_the_endpoint_gets_graphiql_that_says_when_it_cannot_load(http: httpx.Client) -> None:
    page = http.get("/graphql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "GraphiQL" in page.text
    # Offline, every CDN script's failure (or a 10 s wait) replaces "Loading…" by a page telling how to query.
    cdn_scripts = re.findall(r"<script[^>]*src=\"https://unpkg\.com/[^\"]+\"", page.text)
    assert len(cdn_scripts) == 3 and all('onerror="graphiqlUnavailable()"' in tag for tag in cdn_scripts)
    assert "window.setTimeout" in page.text and "GraphiQL could not be loaded" in page.text
    assert "curl " in page.text and "?query=" in page.text


def test_a_browser_sending_a_query_gets_its_answer(http: httpx.Client) -> None:
    answer = http.get("/graphql", params={"query": "{ __typename }"}, headers={"Accept": "text/html"})
    assert answer.json() == {"data": {"__typename": "Query"}}


@pytest.fixture(scope="module")
def without_graphiql(upstreams: SandboxThread) -> Iterator[httpx.Client]:
    with GatewayThread(upstreams.gateway_config(server={"graphiql": False})) as gateway, \
            httpx.Client(base_url=gateway.url) as http:
        yield http


def test_graphiql_can_be_turned_off(without_graphiql: httpx.Client) -> None:
    answer = without_graphiql.get("/graphql", headers={"Accept": "text/html"})
    assert answer.status_code == 400 and "has no 'query'" in answer.json()["errors"][0]["message"]
