"""Search, ``otherOffers`` and ``compare`` through the GraphQL API: a sandbox's feeds, read by the real adapters.

Orders are checked against the brute force of :mod:`tests.search_spec` over the gateway's own snapshot;
``otherOffers`` against the sandbox's record of which listings are the same course. The gateway re-reads every
feed each second, so paging also crosses snapshot rebuilds.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

import pytest

from core.domain import Listing
from core.text import compact
from sandbox import CourseRecord, DemoCatalogue, SandboxThread, generate
from search.index import CourseFilter, CourseSort
from tests.harness import GatewayThread, GraphQLClient
from tests.search_spec import expected

COURSE = """
  id title description category method durationHours syllabus hasFinalAssessment url
  platform { slug name status courseCount }
  provider { name nib }
  price { amount currency formatted }
  rating { average count }
  eligibility { status reasons { code message } }
"""
PAGE = (
    "query($filter: CourseFilter, $sort: CourseSort!, $first: Int!, $after: String) {"
    " courses(filter: $filter, sort: $sort, first: $first, after: $after) {"
    " totalCount edges { cursor node { " + COURSE + " } } pageInfo { hasNextPage endCursor } } }"
)


@dataclass(frozen=True)
class Served:
    sandbox: SandboxThread
    gateway: GatewayThread
    client: GraphQLClient

    @property
    def catalogue(self) -> DemoCatalogue:
        return self.sandbox.catalogue

    def listings(self) -> Sequence[Listing]:
        return self.gateway.catalogue.snapshot.index.listings

    def page(self, sort: str, first: int, filter: dict[str, Any] | None = None, after: str | None = None) -> Any:
        return self.client.post(PAGE, {"filter": filter, "sort": sort, "first": first, "after": after}).json()

    def every_page(self, sort: str, first: int, filter: dict[str, Any] | None = None,
                   after: str | None = None) -> tuple[list[str], int]:
        """The ids of every course, following endCursor, and the totalCount."""
        shown: list[str] = []
        while True:
            body = self.page(sort, first, filter, after)
            assert "errors" not in body, body["errors"]
            courses = body["data"]["courses"]
            shown.extend(edge["node"]["id"] for edge in courses["edges"])
            if not courses["pageInfo"]["hasNextPage"]:
                return shown, courses["totalCount"]
            after = courses["pageInfo"]["endCursor"]


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    with SandboxThread(generate(300, seed=11)) as sandbox:
        config = sandbox.gateway_config(catalogue={"refresh_interval_s": 1.0})
        with GatewayThread(config) as gateway, GraphQLClient(gateway.url) as client:
            gateway.wait_ready()
            yield Served(sandbox, gateway, client)


def shared(served: Served) -> list[tuple[CourseRecord, ...]]:
    groups = list(served.catalogue.shared_courses())
    assert len(groups) >= 5
    return groups


@pytest.mark.parametrize(
    ("search", "sort"),
    [("digital", "RELEVANCE"), ("pemasaran media", "PRICE_ASC"), ("ke", "RATING_DESC"), (None, "POPULARITY_DESC"),
     ("DASAR", "PRICE_DESC"), (None, "RELEVANCE")],
)
def test_search_pages_are_the_brute_force_order(served: Served, search: str | None, sort: str) -> None:
    shown, total = served.every_page(sort, 7, {"search": search})
    want = [x.id for x in expected(served.listings(), CourseFilter(search=search), CourseSort(sort))]
    assert shown == want and total == len(want) > 0


def test_an_exact_title_comes_first_however_it_is_typed(served: Served) -> None:
    for group in shared(served)[:8]:
        title = group[0].title
        for typed in (title, title.upper(), title.replace(" ", "  ").lower() + "!"):
            edges = served.page("RELEVANCE", 3, {"search": typed})["data"]["courses"]["edges"]
            assert compact(edges[0]["node"]["title"]) == compact(title), typed


def test_other_offers_are_the_same_course_elsewhere_cheapest_first(served: Served) -> None:
    query = "query($id: ID!) { course(id: $id) { platform { slug } otherOffers { id platform { slug } } } }"
    for group in shared(served):
        for record in group:
            course = served.client(query, {"id": record.id})["course"]
            offers = course["otherOffers"]
            assert [offer["id"] for offer in offers] == [r.id for r in served.catalogue.same_course(record)]
            assert all(offer["platform"]["slug"] != course["platform"]["slug"] for offer in offers)


def test_compare_answers_in_the_order_asked_with_null_for_what_is_not_on_sale(served: Served) -> None:
    catalogue = served.catalogue
    group = shared(served)[0]
    asked = [group[1].id, "nowhere:1", catalogue.bundles()[0].id, catalogue.inactive()[0].id, group[0].id,
             group[1].id]
    compared = served.client("query($ids: [ID!]!) { compare(ids: $ids) { id } }", {"ids": asked})["compare"]
    assert [course and course["id"] for course in compared] == [group[1].id, None, None, None, group[0].id,
                                                                 group[1].id]
    too_many = served.client.post("query($ids: [ID!]!) { compare(ids: $ids) { id } }", {"ids": asked * 4}).json()
    assert too_many["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_a_bad_cursor_is_bad_user_input(served: Served) -> None:
    foreign = served.page("PRICE_ASC", 2)["data"]["courses"]["pageInfo"]["endCursor"]
    for after, sort in (("not-a-cursor", "PRICE_ASC"), (foreign, "PRICE_DESC")):
        errors = served.page(sort, 2, after=after)["errors"]
        assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
        assert "start again" in errors[0]["message"] or "not a cursor" in errors[0]["message"]


def test_a_course_added_between_pages_is_shown_after_the_cursor_or_the_cursor_is_refused(served: Served) -> None:
    before = served.catalogue
    dearest = replace(
        next(r for r in before.on_sale("tokopedia") if r.listing_id.isdigit()),
        listing_id="99000001", slug="kelas-baru-termahal", title="Kelas Baru Termahal", price=99_000_000,
        course_key=-1,
    )
    cheap_first = served.page("PRICE_ASC", 5)["data"]["courses"]["pageInfo"]["endCursor"]
    dear_first = served.page("PRICE_DESC", 5)["data"]["courses"]["pageInfo"]["endCursor"]
    served.sandbox.replace_catalogue(before.with_records([dearest]))
    try:
        wait_until(lambda: served.client("{ course(id: \"tokopedia:99000001\") { id } }")["course"] is not None)
        # It sorts last by price: after the cursor, so the pages go on and show it at the end.
        rest, _ = served.every_page("PRICE_ASC", 50, after=cheap_first)
        want = [x.id for x in expected(served.listings(), CourseFilter(), CourseSort.PRICE_ASC)]
        assert rest == want[5:] and rest[-1] == dearest.id
        # It sorts first by price, before the cursor: it would be skipped, so the cursor is refused instead.
        errors = served.page("PRICE_DESC", 5, after=dear_first)["errors"]
        assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT" and "start again" in errors[0]["message"]
    finally:
        served.sandbox.replace_catalogue(before)
        wait_until(lambda: served.client("{ course(id: \"tokopedia:99000001\") { id } }")["course"] is None)


def wait_until(condition: Any, timeout_s: float = 10) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "the gateway did not see the change in time"
        time.sleep(0.05)
