"""The fast path answers byte for byte as the general executor: thousands of generated operations, asked over HTTP
of two gateways serving one catalogue, one with the fast path and one without."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLField,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
    is_leaf_type,
)

from bench.queries import all_different, body, title_words, typical
from core.config import LimitsConfig
from core.domain import OFFICIAL_CATEGORIES, LearningMethod
from sandbox import DemoToken, Fault, SandboxThread
from schema import MAX_OFFER_NESTING, build_schema
from search.index import CourseSort
from tests.harness import GatewayThread

DOCUMENTS = 600
"""Each asked by three callers: anonymous, signed in, and either signed in or with a token the service refuses."""
SIGNED_IN = [token for token in DemoToken if token is not DemoToken.NEW_RECIPIENT]
"""The sandbox gives the new recipient a card issued "3 days ago" as of each request, a deadline that moves: it is
kept for the failing participant service, which must not have been asked for it before (each gateway keeps the
participants it was told of)."""


@dataclass(frozen=True, slots=True)
class Operation:
    query: str
    variables: dict[str, Any]

    def body(self) -> dict[str, Any]:
        return {"query": self.query, "variables": self.variables}


@dataclass
class Catalogue:
    """What the generator picks arguments from."""

    ids: list[str]
    words: list[str]
    platforms: list[str]
    providers: list[str]
    cursors: list[str] = field(default_factory=list)


class OperationWriter:
    """Random valid operations over the schema: subsets of every type's fields, aliases, named and inline
    fragments, ``@include``/``@skip`` (literal and variable), ``__typename``, every argument, as literals or
    variables; now and then an argument the API refuses."""

    def __init__(self, rng: random.Random, schema: GraphQLSchema, catalogue: Catalogue) -> None:
        self._rng = rng
        self._schema = schema
        self._catalogue = catalogue
        self._names = 0
        self._fragments: list[str] = []
        self._declared: list[str] = []
        self._variables: dict[str, Any] = {}

    def operation(self) -> Operation:
        self._fragments, self._declared, self._variables = [], [], {}
        query = self._schema.query_type
        assert query is not None
        roots = self._rng.sample(sorted(query.fields), self._rng.choice((1, 1, 1, 2, 3)))
        selections = [self._root(name, query.fields[name]) for name in roots]
        if self._rng.random() < 0.1:
            selections.append("__typename")
        header = f"query Q({', '.join(self._declared)})" if self._declared else "query Q"
        document = " ".join([f"{header} {{ {' '.join(selections)} }}", *self._fragments])
        return Operation(document, self._variables)

    def callers(self) -> list[str | None]:
        """Who asks a document: anonymous, signed in, and signed in again or with a token the service refuses."""
        return [None, self._rng.choice(SIGNED_IN).value, self._rng.choice([*SIGNED_IN, "not-a-token"])]

    def _name(self, stem: str) -> str:
        self._names += 1
        return f"{stem}{self._names}"

    def _root(self, name: str, definition: GraphQLField) -> str:
        arguments = {"courses": self._courses_arguments, "course": self._course_arguments,
                     "compare": self._compare_arguments}.get(name, lambda: "")()
        return self._field(name, definition, arguments, nesting=0)

    def _argument(self, name: str, type_: str, value: Any, literal: str) -> str:
        """An argument given as a literal or through a variable."""
        if self._rng.random() < 0.5:
            return f"{name}: {literal}"
        variable = self._name("v")
        self._declared.append(f"${variable}: {type_}")
        self._variables[variable] = value
        return f"{name}: ${variable}"

    def _courses_arguments(self) -> str:
        rng, catalogue = self._rng, self._catalogue
        given = []
        criteria: dict[str, Any] = {}
        if rng.random() < 0.7:
            choices: dict[str, Any] = {
                "search": lambda: " ".join(rng.sample(catalogue.words, rng.choice((1, 1, 2))))[: rng.randint(3, 12)],
                "platforms": lambda: rng.sample(catalogue.platforms, rng.randint(0, 3)),
                "categories": lambda: rng.sample(OFFICIAL_CATEGORIES, rng.randint(1, 3)),
                "methods": lambda: rng.sample([method.value for method in LearningMethod], rng.randint(1, 2)),
                "minPrice": lambda: rng.choice((0, 100_000, 500_000)),
                "maxPrice": lambda: rng.choice((300_000, 1_000_000, 5_000_000)),
                "minRating": lambda: rng.choice((3, 4.2, 4.8)),
                "provider": lambda: rng.choice(catalogue.providers)[: rng.randint(3, 8)],
                "eligibleOnly": lambda: rng.choice((True, False, None)),
            }
            for key in rng.sample(sorted(choices), rng.randint(1, 3)):
                criteria[key] = choices[key]()
            literal = "{" + ", ".join(f"{key}: {_literal(key, value)}" for key, value in criteria.items()) + "}"
            given.append(self._argument("filter", "CourseFilter", criteria, literal))
        if rng.random() < 0.6:
            sort = rng.choice(list(CourseSort)).value
            given.append(self._argument("sort", "CourseSort!", sort, sort))
        if rng.random() < 0.7:
            first = rng.choice((1, 3, 5, 10, 20, 0, 101))
            given.append(self._argument("first", "Int!", first, str(first)))
        if rng.random() < 0.2:
            after = rng.choice([*catalogue.cursors[-20:], "not-a-cursor", ""]) if catalogue.cursors else "bad"
            given.append(self._argument("after", "String", after, _literal("after", after)))
        return f"({', '.join(given)})" if given else ""

    def _course_arguments(self) -> str:
        course_id = self._rng.choice([*self._catalogue.ids[:50], "tokopedia:nope"])
        return f"({self._argument('id', 'ID!', course_id, _literal('id', course_id))})"

    def _compare_arguments(self) -> str:
        ids = [*self._rng.sample(self._catalogue.ids, self._rng.choice((1, 2, 3, 21))), "nowhere:1"]
        return f"({self._argument('ids', '[ID!]!', ids, _literal('ids', ids))})"

    def _field(self, name: str, definition: GraphQLField, arguments: str, nesting: int) -> str:
        rng = self._rng
        alias = f"{self._name('a')}: " if rng.random() < 0.15 else ""
        directive = ""
        if rng.random() < 0.1:
            condition = rng.choice((True, False))
            if rng.random() < 0.5:
                variable = self._name("c")
                self._declared.append(f"${variable}: Boolean!")
                self._variables[variable] = condition
                condition_text = f"${variable}"
            else:
                condition_text = str(condition).lower()
            directive = f" @{rng.choice(('include', 'skip'))}(if: {condition_text})"
        named = get_named_type(definition.type)
        selection = ""
        if not is_leaf_type(named):
            assert isinstance(named, GraphQLObjectType)
            selection = " " + self._selection(named, nesting + (name == "otherOffers"))
        return f"{alias}{name}{arguments}{directive}{selection}"

    def _selection(self, type_: GraphQLObjectType, nesting: int) -> str:
        rng = self._rng
        names = [name for name in type_.fields if name != "otherOffers" or nesting < MAX_OFFER_NESTING]
        picked = rng.sample(names, rng.randint(1, min(len(names), 5)))
        parts = [self._field(name, type_.fields[name], "", nesting) for name in picked]
        if rng.random() < 0.1:
            parts.append("__typename")
        if rng.random() < 0.2:
            name = rng.choice(names)
            inner = self._field(name, type_.fields[name], "", nesting)
            if rng.random() < 0.5:
                parts.append(f"... on {type_.name} {{ {inner} }}")
            else:
                fragment = self._name("F")
                self._fragments.append(f"fragment {fragment} on {type_.name} {{ {inner} }}")
                parts.append(f"...{fragment}")
        rng.shuffle(parts)
        return "{ " + " ".join(parts) + " }"


def _literal(key: str, value: Any) -> str:
    """``value`` as a GraphQL literal (enum values bare)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return "[" + ", ".join(_literal(key, item) for item in value) + "]"
    if isinstance(value, str):
        return value if key in ("methods", "sort") else '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxThread]:
    with SandboxThread(courses=400) as sandbox:
        yield sandbox


@dataclass(frozen=True, slots=True)
class Pair:
    fast: httpx.Client
    general: httpx.Client

    def both(self, operation: Operation, token: str | None, *, get: bool = False) -> tuple[httpx.Response,
                                                                                             httpx.Response]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if not get:
            return self.post(operation.body(), headers)
        params = {"query": operation.query, "variables": json.dumps(operation.variables)}
        return tuple(client.get("/graphql", params=params, headers=headers)  # type: ignore[return-value]
                     for client in (self.fast, self.general))

    def post(self, body: dict[str, Any] | bytes, headers: dict[str, str]) -> tuple[httpx.Response, httpx.Response]:
        sent = {"content": body} if isinstance(body, bytes) else {"json": body}
        return self.fast.post("/graphql", headers=headers, **sent), self.general.post("/graphql", headers=headers,
                                                                                      **sent)

    def executions(self, path: str) -> float:
        metrics = self.fast.get("/metrics").text
        line = next(line for line in metrics.splitlines()
                    if line.startswith(f'prakerja_graphql_executions_total{{path="{path}"}}'))
        return float(line.split()[-1])


@pytest.fixture(scope="module")
def pair(sandbox: SandboxThread) -> Iterator[Pair]:
    with GatewayThread(sandbox.gateway_config()) as fast:
        fast.wait_ready()
        with GatewayThread(sandbox.gateway_config(server={"fast_path": False}),
                           run_dir=fast.catalogue.run_dir) as general:
            general.wait_ready()
            with httpx.Client(base_url=fast.url, timeout=30) as to_fast, \
                    httpx.Client(base_url=general.url, timeout=30) as to_general:
                yield Pair(to_fast, to_general)


@pytest.fixture(scope="module")
def catalogue(sandbox: SandboxThread) -> Catalogue:
    listings = [record for record in sandbox.catalogue if record.on_sale]
    words = sorted({word for listing in listings for word in listing.title.split() if len(word) > 3})
    return Catalogue(ids=[record.id for record in listings], words=words,
                     platforms=sorted({record.platform for record in listings}),
                     providers=sorted({record.provider_name for record in listings}))


def test_generated_operations_are_answered_alike_by_both_paths(pair: Pair, catalogue: Catalogue) -> None:
    writer = OperationWriter(random.Random(8), build_schema(LimitsConfig())._schema, catalogue)
    fast_before = pair.executions("fast")
    for number in range(DOCUMENTS):
        operation = writer.operation()
        for token in writer.callers():
            fast, general = pair.both(operation, token, get=number % 5 == 0)
            assert (fast.status_code, fast.content) == (general.status_code, general.content), \
                (number, operation, token)
            catalogue.cursors.extend(_pages(fast))
    # Most generated operations are valid and error-free: the fast path answered them, not strawberry.
    assert pair.executions("fast") - fast_before > DOCUMENTS


def _pages(response: httpx.Response) -> Iterator[str]:
    """The end cursors in an answer, to continue from in later operations."""
    data = response.json().get("data") or {}
    for value in data.values() if isinstance(data, dict) else ():
        cursor = isinstance(value, dict) and (value.get("pageInfo") or {}).get("endCursor")
        if cursor:
            yield cursor


def test_a_failing_participant_service_is_reported_alike(pair: Pair, sandbox: SandboxThread,
                                                          catalogue: Catalogue) -> None:
    writer = OperationWriter(random.Random(9), build_schema(LimitsConfig())._schema, catalogue)
    sandbox.set_fault("participants", Fault(status=500))
    try:
        for number in range(100):
            operation = writer.operation()
            fast, general = pair.both(operation, DemoToken.NEW_RECIPIENT.value)
            assert fast.content == general.content, (number, operation)
            assert b"PARTICIPANT_SERVICE_UNAVAILABLE" in fast.content
    finally:
        sandbox.set_fault("participants", None)


@pytest.mark.parametrize("token", [None, DemoToken.ELIGIBLE_2023.value, DemoToken.ALREADY_PURCHASED.value])
def test_the_benchmark_search_pages_take_the_fast_path(pair: Pair, sandbox: SandboxThread, token: str | None) -> None:
    titles = title_words(sandbox.catalogue)
    different = all_different(random.Random(2020), titles, 20)
    bodies = [body(typical(["digital", "marketing"])), *(body(variables) for variables in different)]
    before = pair.executions("fast")
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"} if token else \
        {"Content-Type": "application/json"}
    for content in bodies:
        fast, general = pair.post(content, headers)
        assert fast.content == general.content
        assert fast.json()["data"]["courses"]["edges"] is not None
    assert pair.executions("fast") - before == len(bodies)
