"""Automatic persisted queries: Apollo Client and urql, as they send them, against a live gateway."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from typing import Any

import httpx
import orjson
import pytest

from gateway.graphql_request import GraphQLRequest
from gateway.persisted_queries import PersistedQueries, PersistedQueryNotFound
from sandbox import SandboxThread
from tests.gateway.conftest import NodeClients
from tests.harness import GatewayThread

PAGE = "query Page($first: Int!) { courses(first: $first) { totalCount edges { node { id title } } } }"


def sha256(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


def persisted(query: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha256(query)}}


def unique(query: str, tag: str) -> str:
    """The same query under another hash: every test starts with a hash the gateway has never seen."""
    return f"{query} # {tag}"


def test_apollo_client_and_urql_send_hashes_and_register_queries_the_gateway_then_knows(
    node_clients: NodeClients, gateway: GatewayThread, http: httpx.Client
) -> None:
    query = unique(PAGE, "clients")
    seen = node_clients.run("persisted_clients.mjs", f"{gateway.url}/graphql", query, '{"first": 3}')
    expected = http.post("/graphql", json={"query": PAGE, "variables": {"first": 3}}).json()["data"]
    for name, data in seen["results"].items():
        assert data["courses"]["totalCount"] == expected["courses"]["totalCount"], name
        assert [edge["node"]["id"] for edge in data["courses"]["edges"]] == \
            [edge["node"]["id"] for edge in expected["courses"]["edges"]], name
    for client in ("apollo", "urql"):
        first, registering, later = [exchange for exchange in seen["exchanges"] if exchange["client"] == client]
        # The first hash is unknown: the client is told so, and sends the query with it.
        assert (first["method"], first["sentQuery"], first["codes"]) == ("GET", False, ["PERSISTED_QUERY_NOT_FOUND"])
        assert first["cacheControl"] == "no-store"
        assert registering["sentQuery"] and registering["sentHash"] == first["sentHash"]
        assert registering["status"] == 200 and registering["codes"] == []
        # A new client instance sends the hash alone, by GET, and a CDN may keep the answer.
        assert (later["method"], later["sentQuery"], later["status"]) == ("GET", False, 200)
        assert later["cacheControl"].startswith("public, max-age=")


@pytest.mark.parametrize(("accept", "status"), [("application/json", 200), ("application/graphql-response+json", 400)])
def test_an_unknown_hash_is_persisted_query_not_found(http: httpx.Client, accept: str, status: int) -> None:
    extensions = persisted(unique(PAGE, f"unknown {accept}"))
    for answer in (
        http.post("/graphql", json={"extensions": extensions}, headers={"Accept": accept}),
        http.get("/graphql", params={"extensions": orjson.dumps(extensions).decode()}, headers={"Accept": accept}),
    ):
        assert answer.status_code == status
        body = answer.json()
        assert "data" not in body
        assert [error["extensions"]["code"] for error in body["errors"]] == ["PERSISTED_QUERY_NOT_FOUND"]


def test_a_registered_query_is_run_from_its_hash_with_other_variables(http: httpx.Client) -> None:
    query = unique(PAGE, "registered")
    registered = http.post("/graphql", json={"query": query, "variables": {"first": 1}, "extensions": persisted(query)})
    assert registered.status_code == 200 and len(registered.json()["data"]["courses"]["edges"]) == 1
    extensions = orjson.dumps(persisted(query)).decode()
    by_hash = http.get("/graphql", params={"variables": '{"first": 2}', "extensions": extensions})
    assert by_hash.status_code == 200 and len(by_hash.json()["data"]["courses"]["edges"]) == 2


@pytest.mark.parametrize(
    ("extensions", "says"),
    [
        ({"persistedQuery": {"version": 1, "sha256Hash": sha256("{ __typename }")}}, "is not"),
        ({"persistedQuery": {"version": 2, "sha256Hash": sha256(PAGE)}}, "version"),
        ({"persistedQuery": {"version": 1, "sha256Hash": "ABC"}}, "64 lowercase hexadecimal digits"),
        ({"persistedQuery": "yes"}, "version"),
    ],
    ids=["hash-of-another-query", "version-2", "not-a-hash", "not-an-object"],
)
def test_a_malformed_persisted_query_is_a_coded_400(http: httpx.Client, extensions: dict[str, Any], says: str) -> None:
    answer = http.post("/graphql", json={"query": PAGE, "variables": {"first": 1}, "extensions": extensions})
    assert answer.status_code == 400
    [error] = answer.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and says in error["message"]


# -- the shared tier ------------------------------------------------------------------------------------------------


class DictQueries:
    """A shared tier as a dictionary: what a Redis tier does, in one process."""

    def __init__(self) -> None:
        self.queries: dict[str, str] = {}

    async def get(self, sha256: str) -> str | None:
        return self.queries.get(sha256)

    async def put(self, sha256: str, query: str) -> None:
        self.queries[sha256] = query


@pytest.fixture(scope="module")
def two_gateways(upstreams: SandboxThread) -> Iterator[tuple[httpx.Client, httpx.Client, DictQueries]]:
    shared = DictQueries()
    with GatewayThread(upstreams.gateway_config(), shared_queries=shared) as one, \
            GatewayThread(upstreams.gateway_config(), shared_queries=shared) as other, \
            httpx.Client(base_url=one.url) as to_one, httpx.Client(base_url=other.url) as to_other:
        one.wait_ready()
        other.wait_ready()
        yield to_one, to_other, shared


def test_a_query_registered_on_one_process_is_known_to_another_through_the_shared_tier(
    two_gateways: tuple[httpx.Client, httpx.Client, DictQueries],
) -> None:
    to_one, to_other, shared = two_gateways
    query = "{ platforms { slug } }"
    assert to_one.post("/graphql", json={"query": query, "extensions": persisted(query)}).status_code == 200
    assert shared.queries == {sha256(query): query}
    answer = to_other.post("/graphql", json={"extensions": persisted(query)})
    assert answer.status_code == 200 and answer.json()["data"]["platforms"]


# -- memory ---------------------------------------------------------------------------------------------------------


async def test_memory_keeps_the_most_recently_used_queries_within_its_bytes() -> None:
    queries = PersistedQueries(max_bytes=10_000)
    texts = [f"{{ __typename }} # {n:04d} " + "x" * 900 for n in range(40)]  # about 1 KB each: 40 KB in all
    for text in texts:
        assert await queries.query_of(GraphQLRequest(text, extensions=persisted(text))) == text
    kept = []
    for text in texts:
        with contextlib.suppress(PersistedQueryNotFound):
            kept.append(await queries.query_of(GraphQLRequest(None, extensions=persisted(text))))
    assert 0 < len(kept) <= 10 and kept[-1] == texts[-1]  # the newest stay, within the bound
    huge = "{ __typename } #" + "x" * 20_000
    assert await queries.query_of(GraphQLRequest(huge, extensions=persisted(huge))) == huge  # run, never kept
    with pytest.raises(PersistedQueryNotFound):
        await queries.query_of(GraphQLRequest(None, extensions=persisted(huge)))
