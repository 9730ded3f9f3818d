"""Introspection answers, kept for as long as the schema is the same, over HTTP to the shared gateway.

Asked by GET, so the response cache in front (anonymous JSON POSTs only) does not answer first.
"""

from __future__ import annotations

import re

import httpx
from graphql import get_introspection_query

GRAPHIQL = get_introspection_query(descriptions=True, specified_by_url=True, directive_is_repeatable=True,
                                   schema_description=True, input_value_deprecation=True, one_of=True)


def lookups(http: httpx.Client, result: str) -> float:
    """The introspection cache's lookups with this result so far."""
    pattern = rf'prakerja_cache_lookups_total{{cache="introspection",result="{result}"}} (\S+)'
    found = re.search(pattern, http.get("/metrics").text)
    return float(found.group(1)) if found else 0.0


def test_an_introspection_query_is_answered_from_the_cache_the_second_time(http: httpx.Client) -> None:
    query = GRAPHIQL.replace("query IntrospectionQuery", "query Cached")  # a text no other test asked
    hits = lookups(http, "hit")
    first = http.get("/graphql", params={"query": query})
    second = http.get("/graphql", params={"query": query})
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json() and first.json()["data"]["__schema"]["queryType"]["name"] == "Query"
    assert lookups(http, "hit") == hits + 1


def test_an_operation_that_also_reads_the_api_is_not_taken_from_the_cache(http: httpx.Client) -> None:
    query = "{ __typename platforms { slug } }"
    hits, misses = lookups(http, "hit"), lookups(http, "miss")
    for _ in range(2):
        assert http.get("/graphql", params={"query": query}).json()["data"]["__typename"] == "Query"
    assert (lookups(http, "hit"), lookups(http, "miss")) == (hits, misses)


def test_an_invalid_token_is_still_reported_with_a_kept_answer(http: httpx.Client) -> None:
    query = "query Typename { __typename }"
    http.get("/graphql", params={"query": query})
    answer = http.get("/graphql", params={"query": query}, headers={"Authorization": "Basic x"}).json()
    assert answer["data"] == {"__typename": "Query"}
    assert [error["extensions"]["code"] for error in answer["errors"]] == ["UNAUTHENTICATED"]
