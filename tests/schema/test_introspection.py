"""Introspection answers, kept for as long as the schema is the same, over HTTP to the shared gateway.

Asked with an Authorization header (an invalid one, never sent to the participant service), so the cache of
anonymous answers in front does not answer first.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
from graphql import get_introspection_query

from tests.harness import GraphQLClient

GRAPHIQL = get_introspection_query(descriptions=True, specified_by_url=True, directive_is_repeatable=True,
                                   schema_description=True, input_value_deprecation=True, one_of=True)
NOT_ANONYMOUS = {"Authorization": "Basic x"}


def lookups(http: httpx.Client, result: str) -> float:
    """The introspection cache's lookups with this result so far."""
    pattern = rf'prakerja_cache_lookups_total{{cache="introspection",result="{result}"}} (\S+)'
    found = re.search(pattern, http.get("/metrics").text)
    return float(found.group(1)) if found else 0.0


def ask(http: httpx.Client, query: str) -> dict[str, Any]:
    response = http.post("/graphql", json={"query": query}, headers=NOT_ANONYMOUS)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    assert [error["extensions"]["code"] for error in answer["errors"]] == ["UNAUTHENTICATED"]
    return answer


def test_an_introspection_query_is_answered_from_the_cache_the_second_time(client: GraphQLClient) -> None:
    query = GRAPHIQL.replace("query IntrospectionQuery", "query Cached")  # a text no other test asked
    hits = lookups(client.http, "hit")
    first, second = ask(client.http, query), ask(client.http, query)
    assert first == second and first["data"]["__schema"]["queryType"]["name"] == "Query"
    assert lookups(client.http, "hit") == hits + 1


def test_an_operation_that_also_reads_the_api_is_not_taken_from_the_cache(client: GraphQLClient) -> None:
    query = "{ __typename platforms { slug } }"
    hits, misses = lookups(client.http, "hit"), lookups(client.http, "miss")
    for _ in range(2):
        assert ask(client.http, query)["data"]["__typename"] == "Query"
    assert (lookups(client.http, "hit"), lookups(client.http, "miss")) == (hits, misses)
