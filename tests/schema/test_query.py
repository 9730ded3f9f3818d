"""The public API over HTTP, checked against the sandbox's own data: every platform, no bundle, exact values."""

from __future__ import annotations

from typing import Any

import pytest

from sandbox import CourseRecord, SandboxThread
from tests.harness import GraphQLClient

COURSE_FIELDS = """
  id title description category method durationHours syllabus hasFinalAssessment url
  platform { slug name status }
  provider { name nib }
  price { amount currency formatted }
  rating { average count }
  eligibility { status reasons { code message } }
"""
PAGE = f"""
query($first: Int!, $after: String, $filter: CourseFilter, $sort: CourseSort! = PRICE_ASC) {{
  courses(first: $first, after: $after, filter: $filter, sort: $sort) {{
    totalCount
    edges {{ cursor node {{ {COURSE_FIELDS} }} }}
    pageInfo {{ hasNextPage endCursor }}
    facets {{ platforms {{ value count }} categories {{ value count }} methods {{ value count }} }}
  }}
}}"""


def every_course(client: GraphQLClient, **variables: Any) -> tuple[list[dict[str, Any]], int]:
    """All pages of a query, followed by cursor; the courses and the first page's totalCount."""
    nodes: list[dict[str, Any]] = []
    after = None
    total = None
    while True:
        page = client(PAGE, {"first": 100, "after": after, **variables})["courses"]
        total = page["totalCount"] if total is None else total
        nodes += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes, total
        after = page["pageInfo"]["endCursor"]


@pytest.fixture(scope="module")
def listed(client: GraphQLClient) -> dict[str, dict[str, Any]]:
    nodes, total = every_course(client)
    assert total == len(nodes)
    by_id = {node["id"]: node for node in nodes}
    assert len(by_id) == len(nodes), "a course was listed twice"
    return by_id


def expected_reasons(record: CourseRecord, limit: int = 3_500_000) -> list[str]:
    checks = [
        (not record.provider_nib, "PROVIDER_NOT_REGISTERED"),
        (not record.syllabus, "MISSING_SYLLABUS"),
        (not record.has_final_assessment, "MISSING_FINAL_ASSESSMENT"),
        (record.price > limit, "PRICE_ABOVE_SCHEME_LIMIT"),
    ]
    return [code for failed, code in checks if failed]


def test_every_platform_is_read_and_ok(client: GraphQLClient, upstreams: SandboxThread) -> None:
    platforms = client("{ platforms { slug name status courseCount lastRefreshedAt lastError } }")["platforms"]
    assert {p["slug"] for p in platforms} == {
        "tokopedia", "skillacademy", "maubelajarapa", "bukalapak", "pintaria", "sekolahmu", "sisnaker",
        "pijarmahir", "karirmu",
    }
    for platform in platforms:
        assert platform["status"] == "OK", platform
        assert platform["lastError"] is None and platform["lastRefreshedAt"] is not None
        assert platform["courseCount"] == len(upstreams.catalogue.on_sale(platform["slug"])) > 0
    assert next(p["name"] for p in platforms if p["slug"] == "karirmu") == "Karier.mu"


def test_exactly_the_courses_on_sale_are_listed(listed: dict[str, dict[str, Any]], upstreams: SandboxThread) -> None:
    catalogue = upstreams.catalogue
    assert set(listed) == {record.id for record in catalogue.on_sale()}
    hidden = [*catalogue.bundles(), *catalogue.inactive(), *catalogue.bad_prices()]
    assert hidden and not {record.id for record in hidden} & set(listed)
    assert {record.platform for record in catalogue.bundles()} == set(catalogue.by_platform), "a bundle per platform"


def test_every_field_is_the_platforms_value_normalised(
    listed: dict[str, dict[str, Any]], upstreams: SandboxThread
) -> None:
    for record in upstreams.catalogue.on_sale():
        course = listed[record.id]
        assert course["title"] == record.title
        assert course["provider"] == {"name": record.provider_name, "nib": record.provider_nib}
        assert course["price"]["amount"] == record.price, record.id
        assert course["price"]["currency"] == "IDR"
        assert course["price"]["formatted"] == "Rp" + f"{record.price:,}".replace(",", ".")
        assert course["category"] == record.category
        assert course["method"] == record.method
        assert course["durationHours"] == pytest.approx(record.duration_hours, abs=0.01)
        assert course["rating"] == (
            None if record.rating is None else {"average": pytest.approx(record.rating.average),
                                                "count": record.rating.count})
        assert course["syllabus"] == list(record.syllabus)
        assert course["hasFinalAssessment"] == record.has_final_assessment
        assert course["url"] == record.url
        assert course["description"] == record.description_text
        assert course["platform"]["slug"] == record.platform


def test_anonymous_eligibility_applies_the_course_rules(
    listed: dict[str, dict[str, Any]], upstreams: SandboxThread
) -> None:
    seen = set()
    for record in upstreams.catalogue.on_sale():
        eligibility = listed[record.id]["eligibility"]
        reasons = expected_reasons(record)
        assert [r["code"] for r in eligibility["reasons"]] == reasons, record.id
        assert eligibility["status"] == ("INELIGIBLE" if reasons else "SIGN_IN_REQUIRED")
        assert all(r["message"] for r in eligibility["reasons"])
        seen.update(reasons)
    assert seen == {"PROVIDER_NOT_REGISTERED", "MISSING_SYLLABUS", "MISSING_FINAL_ASSESSMENT",
                    "PRICE_ABOVE_SCHEME_LIMIT"}, "the demo data exercises every course rule"


def test_a_course_not_on_sale_is_null(client: GraphQLClient, upstreams: SandboxThread) -> None:
    catalogue = upstreams.catalogue
    hidden = [catalogue.bundles()[0], catalogue.inactive()[0], catalogue.bad_prices()[0]]
    on_sale = catalogue.on_sale()[0]
    for record in hidden:
        assert client("query($id: ID!) { course(id: $id) { id } }", {"id": record.id})["course"] is None
    assert client("query($id: ID!) { course(id: $id) { id } }", {"id": "tokopedia:no-such"})["course"] is None
    assert client("query($id: ID!) { course(id: $id) { id } }", {"id": on_sale.id})["course"] == {"id": on_sale.id}


def test_compare_keeps_the_order_asked_with_null_where_not_on_sale(
    client: GraphQLClient, upstreams: SandboxThread
) -> None:
    catalogue = upstreams.catalogue
    a, b = catalogue.on_sale()[5], catalogue.on_sale()[-5]
    ids = [b.id, catalogue.bundles()[0].id, a.id]
    compared = client("query($ids: [ID!]!) { compare(ids: $ids) { id price { amount } } }", {"ids": ids})["compare"]
    assert compared == [{"id": b.id, "price": {"amount": b.price}}, None, {"id": a.id, "price": {"amount": a.price}}]


def test_compare_refuses_more_than_twenty_ids(client: GraphQLClient, upstreams: SandboxThread) -> None:
    ids = [record.id for record in upstreams.catalogue.on_sale()[:21]]
    body = client.post("query($ids: [ID!]!) { compare(ids: $ids) { id } }", {"ids": ids}).json()
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_other_offers_are_the_same_course_elsewhere_cheapest_first(
    client: GraphQLClient, upstreams: SandboxThread
) -> None:
    shared = upstreams.catalogue.shared_courses()
    assert shared, "the demo data sells some courses on several platforms"
    query = "query($id: ID!) { course(id: $id) { otherOffers { id price { amount } platform { slug } } } }"
    for group in shared[:20]:
        record = group[0]
        offers = client(query, {"id": record.id})["course"]["otherOffers"]
        expected = [r for r in upstreams.catalogue.same_course(record) if r.platform != record.platform]
        assert [o["id"] for o in offers] == [r.id for r in expected]
        assert [o["price"]["amount"] for o in offers] == sorted(o["price"]["amount"] for o in offers)


def test_facets_count_the_whole_result(client: GraphQLClient, upstreams: SandboxThread) -> None:
    page = client(PAGE, {"first": 1, "filter": {"methods": ["WEBINAR"]}})["courses"]
    webinars = [r for r in upstreams.catalogue.on_sale() if r.method == "WEBINAR"]
    assert page["totalCount"] == len(webinars)
    by_platform = {f["value"]: f["count"] for f in page["facets"]["platforms"]}
    assert by_platform == {p: n for p in upstreams.catalogue.by_platform
                           if (n := sum(r.platform == p for r in webinars))}
    assert page["facets"]["methods"] == [{"value": "WEBINAR", "count": len(webinars)}]


def test_filters_combine(client: GraphQLClient, upstreams: SandboxThread) -> None:
    platforms = ["tokopedia", "pintaria"]
    flt = {"platforms": platforms, "categories": ["Teknologi Informasi"], "minPrice": 100_000,
           "maxPrice": 1_000_000, "minRating": 4.0}
    nodes, total = every_course(client, filter=flt)
    expected = {
        r.id for r in upstreams.catalogue.on_sale()
        if r.platform in platforms and r.category == "Teknologi Informasi" and 100_000 <= r.price <= 1_000_000
        and r.rating is not None and r.rating.average >= 4.0
    }
    assert {n["id"] for n in nodes} == expected and total == len(expected)
    prices = [n["price"]["amount"] for n in nodes]
    assert prices == sorted(prices)


@pytest.mark.parametrize("first", [0, -1, 101])
def test_a_page_size_outside_1_to_100_is_bad_user_input(client: GraphQLClient, first: int) -> None:
    body = client.post("query($n: Int!) { courses(first: $n) { totalCount } }", {"n": first}).json()
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "first" in body["errors"][0]["message"]


def test_a_cursor_from_another_query_is_bad_user_input(client: GraphQLClient) -> None:
    page = client(PAGE, {"first": 2})["courses"]
    body = client.post(PAGE, {"first": 2, "after": page["pageInfo"]["endCursor"], "sort": "PRICE_DESC"}).json()
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    body = client.post(PAGE, {"first": 2, "after": "not-a-cursor!"}).json()
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_a_search_text_of_too_many_words_is_bad_user_input(client: GraphQLClient) -> None:
    query = "query($s: String) { courses(filter: {search: $s}) { totalCount } }"
    assert client(query, {"s": " ".join(["kelas"] * 100)})["courses"]["totalCount"] >= 0  # repeats are one word
    body = client.post(query, {"s": " ".join(f"kata{n}" for n in range(33))}).json()
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "32" in body["errors"][0]["message"]
