"""The bounds on one query, over HTTP: a query at each limit runs, one over it is refused before it executes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from graphql import get_introspection_query, parse

from sandbox import SandboxThread
from tests.harness import GatewayThread, GraphQLClient

LIMITS = {"max_depth": 5, "max_aliases": 4, "max_tokens": 60}


@pytest.fixture(scope="module")
def limited(upstreams: SandboxThread) -> Iterator[GraphQLClient]:
    """A gateway with small limits, over the shared sandbox."""
    with GatewayThread(upstreams.gateway_config(limits=LIMITS)) as gateway, GraphQLClient(gateway.url) as client:
        gateway.wait_ready()
        yield client


def refusal(client: GraphQLClient, query: str) -> str:
    """The message of the one QUERY_TOO_COMPLEX error the query gets, with nothing executed."""
    response = client.post(query)
    assert response.status_code in (200, 400), response.text
    body = response.json()
    assert body.get("data") is None, body
    [error] = body["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX", error
    message: str = error["message"]
    return message


def offers(levels: int) -> str:
    """A query nesting fields ``levels`` deep (at least 5): courses, edges, node, otherOffers..., id."""
    return "{ courses(first: 2) { edges { node { " + "otherOffers { " * (levels - 4) + "id" + " }" * (levels - 1) + " }"


def tokens(count: int) -> str:
    """A query of exactly ``count`` tokens (at least 6)."""
    query = "{ platforms { " + "slug " * (count - 5) + "} }"
    assert parse(query).token_count == count
    return query


def test_a_query_at_the_depth_limit_runs(limited: GraphQLClient) -> None:
    assert len(limited(offers(5))["courses"]["edges"]) == 2


def test_one_level_deeper_is_refused(limited: GraphQLClient) -> None:
    assert refusal(limited, offers(6)) == "the query nests fields 6 levels deep, at most 5 are allowed"


def test_a_fragment_counts_the_depth_of_its_fields_where_it_is_spread(limited: GraphQLClient) -> None:
    fragments = ("fragment Edges on CourseConnection { edges { node { ... on Course { ...Offers } } } }"
                 " fragment Offers on Course { otherOffers { id } }")
    assert limited("{ courses(first: 2) { ...Edges } } " + fragments)
    deeper = fragments.replace("{ id }", "{ provider { name } }")
    assert "6 levels" in refusal(limited, "{ courses(first: 2) { ...Edges } } " + deeper)


def test_introspection_is_not_counted_in_the_depth(limited: GraphQLClient) -> None:
    query = '{ __type(name: "Course") { fields { type { ofType { ofType { ofType { name } } } } } } }'
    assert limited(query)["__type"]["fields"]


def test_aliases_up_to_the_limit_run(limited: GraphQLClient) -> None:
    data = limited("{ a: platforms { slug } b: platforms { s: slug n: name } }")
    assert len(data["a"]) == len(data["b"]) == 9


def test_one_alias_more_is_refused(limited: GraphQLClient) -> None:
    query = "{ a: platforms { slug } b: platforms { s: slug n: name } c: platforms { slug } }"
    assert refusal(limited, query) == "the query has 5 aliases, at most 4 are allowed"


def test_an_alias_in_a_fragment_counts_at_each_spread(limited: GraphQLClient) -> None:
    fragment = " fragment Names on Platform { s: slug }"
    assert limited("{ a: platforms { ...Names } b: platforms { ...Names } }" + fragment)
    three = "{ a: platforms { ...Names } b: platforms { ...Names } c: platforms { slug } }"
    assert "5 aliases" in refusal(limited, three + fragment)


def test_a_query_of_as_many_tokens_as_allowed_runs(limited: GraphQLClient) -> None:
    assert len(limited(tokens(60))["platforms"]) == 9


def test_one_token_more_is_refused(limited: GraphQLClient) -> None:
    assert refusal(limited, tokens(61)) == "the query has more than 60 tokens, at most 60 are allowed"


def test_comments_count_as_tokens(limited: GraphQLClient) -> None:
    # Or a query could be padded with comments that the parser reads all the same.
    assert "60 tokens" in refusal(limited, "{ platforms { slug } }" + "\n# padding" * 60)


def test_graphiqls_introspection_runs_under_the_default_limits(client: GraphQLClient) -> None:
    query = get_introspection_query(descriptions=True, specified_by_url=True, directive_is_repeatable=True,
                                    schema_description=True, input_value_deprecation=True, one_of=True)
    schema = client(query)["__schema"]
    assert schema["queryType"]["name"] == "Query"
    assert any(named["name"] == "Course" for named in schema["types"])


def test_a_megabyte_of_tokens_is_refused_by_its_token_count(client: GraphQLClient, gateway: GatewayThread) -> None:
    query = "{ platforms { " + "slug " * 200_000 + "} }"
    assert 1_000_000 < len(query) < gateway.config.limits.max_body_bytes - 100
    assert refusal(client, query) == "the query has more than 3000 tokens, at most 3000 are allowed"


def doubling_fragments(levels: int, leaf: str) -> str:
    """A query spreading each fragment twice into the one before: ``2 ** levels`` copies of ``leaf``."""
    fragments = "".join(f" fragment F{i} on Query {{ ...F{i + 1} ... on Query {{ ...F{i + 1} }} }}"
                        for i in range(levels))
    return "{ ...F0 }" + fragments + f" fragment F{levels} on Query {{ {leaf} }}"


@pytest.mark.parametrize(
    ("query", "refused_for"),
    [
        (doubling_fragments(60, "a: platforms { slug }"), f"{2 ** 60} aliases"),
        (doubling_fragments(60, "courses { edges { node { " + "otherOffers { " * 10 + "id" + " }" * 13),
         "14 levels"),
        ("{ " + "viewer { " * 300 + "}" * 301, "nested too deeply"),
        ("{ ...F0 }" + "".join(f" fragment F{i} on Query {{ ...F{i + 1} }}" for i in range(350))
         + " fragment F350 on Query { platforms { slug } }", "Validation aborted"),
    ],
    ids=["doubling-aliases", "doubling-depth", "nested-past-the-parser", "fragment-chain"],
)
def test_hostile_shapes_are_refused_before_they_run(client: GraphQLClient, query: str, refused_for: str) -> None:
    # How cheaply is for bench/: here, that the refusal names the bound, whatever the shape multiplies.
    response = client.post(query)
    body: dict[str, Any] = response.json()
    assert body.get("data") is None
    assert any(refused_for in error["message"] and error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
               for error in body["errors"]), body["errors"]


@pytest.mark.parametrize(
    "query",
    ["{ ...Nope }", "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A platforms { slug } }"],
    ids=["unknown-fragment", "fragment-cycle"],
)
def test_a_broken_fragment_is_bad_user_input_not_a_crash(client: GraphQLClient, query: str) -> None:
    [error] = client.post(query).json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error


def test_other_offers_nest_two_levels_at_most(client: GraphQLClient) -> None:
    # Each level multiplies the courses by their group's size, and says nothing new: offers of offers are the group.
    two = "{ compare(ids: []) { otherOffers { otherOffers { id } } } }"
    assert client(two) == {"compare": []}
    three = ("{ compare(ids: []) { otherOffers { ...Deeper } } }"
             " fragment Deeper on Course { otherOffers { otherOffers { id } } }")
    assert refusal(client, three) == "the query nests otherOffers 3 levels deep, at most 2 are allowed"


def test_a_full_page_with_two_levels_of_offers_fits_the_field_budget(client: GraphQLClient) -> None:
    course = ("id title description category method durationHours syllabus hasFinalAssessment url provider { name nib }"
              " price { amount currency formatted } rating { average count } platform { slug name status }"
              " eligibility { status reasons { code message } }")
    query = (f"query($n: Int!) {{ courses(first: $n) {{ totalCount edges {{ cursor node {{ {course}"
             f" otherOffers {{ {course} otherOffers {{ {course} }} }} }} }} }} }}")
    assert len(client(query, {"n": 100})["courses"]["edges"]) == 100


def test_many_aliased_pages_are_refused_before_running(client: GraphQLClient) -> None:
    fields = "id title description url category"
    pages = " ".join(f"p{n}: courses(first: 100) {{ edges {{ node {{ {fields} otherOffers {{ {fields} }} }} }} }}"
                     for n in range(30))
    assert refusal(client, "{ " + pages + " }") == "the query may resolve 78000 fields, at most 50000 are allowed"
