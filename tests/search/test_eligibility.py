"""May the caller buy this course with a Prakerja card now, and if not, why (rules.md §3): over HTTP, on the sandbox.

Each rule alone, the combinations that matter, both schemes, and ``eligibleOnly`` agreeing with what each course
shows. Courses come from :class:`tests.participant_world.Made`; participants are signed up per test.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

import pytest

from sandbox import CourseRecord, DemoToken
from search.eligibility import MESSAGES, EligibilityCode
from tests.participant_world import SUSPENDED, World, bought, now_in_jakarta

Verdict = tuple[str, list[str]]
SIGN_IN_REQUIRED: Verdict = ("SIGN_IN_REQUIRED", [])
ELIGIBLE: Verdict = ("ELIGIBLE", [])


def ineligible(*codes: str) -> Verdict:
    return "INELIGIBLE", list(codes)


def fresh_2023(world: World, **fields: Any) -> str:
    """An active NORMAL_2023 participant who finished and rated one course: nothing of theirs blocks a purchase."""
    fields.setdefault("purchases", (bought(world.made.finished),))
    return world.sign_up(scheme="NORMAL_2023", recipient_since=timedelta(days=60), **fields)


def fresh_2020(world: World, **fields: Any) -> str:
    fields.setdefault("purchases", (bought(world.made.finished),))
    fields.setdefault("remaining_balance", 1_000_000)
    return world.sign_up(scheme="SEMI_BANSOS_2020", recipient_since=timedelta(days=400), **fields)


# -- course-level rules -------------------------------------------------------------------------------

def test_a_course_no_rule_blocks_asks_an_anonymous_caller_to_sign_in(world: World) -> None:
    assert world.eligibility(world.made.clean) == SIGN_IN_REQUIRED


def test_a_course_no_rule_blocks_is_eligible_for_a_participant_nothing_blocks(world: World) -> None:
    assert world.eligibility(world.made.clean, fresh_2023(world)) == ELIGIBLE
    assert world.eligibility(world.made.clean, fresh_2020(world)) == ELIGIBLE


@pytest.mark.parametrize(
    ("course", "anonymous", "signed_in"),
    [
        ("suspended", ["PLATFORM_SUSPENDED"], ["PLATFORM_SUSPENDED"]),
        ("no_nib", ["PROVIDER_NOT_REGISTERED"], ["PROVIDER_NOT_REGISTERED"]),
        ("no_syllabus", ["MISSING_SYLLABUS"], ["MISSING_SYLLABUS"]),
        ("no_final_assessment", ["MISSING_FINAL_ASSESSMENT"], ["MISSING_FINAL_ASSESSMENT"]),
        # Rp5.000.000 is also above a full NORMAL_2023 balance of Rp3.500.000: rule 11 fails with rule 5.
        ("above_2023_limit", ["PRICE_ABOVE_SCHEME_LIMIT"], ["PRICE_ABOVE_SCHEME_LIMIT", "INSUFFICIENT_BALANCE"]),
    ],
)
def test_each_course_rule_fails_for_everyone(world: World, course: str, anonymous: list[str],
                                              signed_in: list[str]) -> None:
    record: CourseRecord = getattr(world.made, course)
    assert world.eligibility(record) == ineligible(*anonymous)
    token = fresh_2023(world, remaining_balance=3_500_000)
    assert world.eligibility(record, token) == ineligible(*signed_in)


def test_a_suspended_platforms_courses_are_still_listed(world: World) -> None:
    data = world.client('{ platforms { slug status courseCount } }')
    suspended = next(p for p in data["platforms"] if p["slug"] == SUSPENDED)
    assert suspended["status"] == "SUSPENDED" and suspended["courseCount"] > 0


def test_two_course_rules_failing_are_both_listed_in_rules_order(world: World) -> None:
    assert world.eligibility(world.made.suspended_no_nib) == ineligible("PLATFORM_SUSPENDED",
                                                                         "PROVIDER_NOT_REGISTERED")


def test_every_course_rule_failing_is_listed_in_rules_order(world: World) -> None:
    assert world.eligibility(world.made.every_course_rule) == ineligible(
        "PLATFORM_SUSPENDED", "PROVIDER_NOT_REGISTERED", "MISSING_SYLLABUS", "MISSING_FINAL_ASSESSMENT",
        "PRICE_ABOVE_SCHEME_LIMIT",
    )


def test_every_reason_comes_with_its_indonesian_message(world: World) -> None:
    data = world.client("query($id: ID!) { course(id: $id) { eligibility { reasons { code message } } } }",
                        {"id": world.made.every_course_rule.id})
    reasons = data["course"]["eligibility"]["reasons"]
    assert reasons and all(r["message"] == MESSAGES[EligibilityCode(r["code"])] for r in reasons)
    assert len(set(MESSAGES.values())) == len(EligibilityCode), "two rules share a message"


# -- rule 5: the scheme's limit -----------------------------------------------------------------------

def test_the_scheme_limit_is_the_participants_own_scheme(world: World) -> None:
    course = world.made.above_2020_limit  # Rp1.500.000
    assert world.eligibility(course) == SIGN_IN_REQUIRED  # anonymous: default NORMAL_2023, Rp3.500.000
    assert world.eligibility(course, fresh_2023(world)) == ELIGIBLE
    assert world.eligibility(course, fresh_2020(world)) == ineligible("PRICE_ABOVE_SCHEME_LIMIT",
                                                                       "INSUFFICIENT_BALANCE")


def test_a_price_equal_to_the_scheme_balance_is_not_above_it(world: World) -> None:
    token = fresh_2020(world, remaining_balance=1_000_000)
    assert world.eligibility(world.made.at_2020_limit, token) == ELIGIBLE


def test_the_configured_default_scheme_applies_to_anonymous_callers(world: World) -> None:
    with world.another_gateway(catalogue={"default_scheme": "SEMI_BANSOS_2020"}) as client:
        course = world.made.above_2020_limit
        assert world.eligibility(course, client=client) == ineligible("PRICE_ABOVE_SCHEME_LIMIT")
        assert world.eligibility(course, fresh_2023(world), client=client) == ELIGIBLE


# -- participant-level rules --------------------------------------------------------------------------

@pytest.mark.parametrize("card_status", ["REVOKED", "DEACTIVATED"])
def test_a_card_not_active_blocks_every_course(world: World, card_status: str) -> None:
    token = fresh_2023(world, card_status=card_status)
    assert world.eligibility(world.made.clean, token) == ineligible("CARD_NOT_ACTIVE")
    assert world.eligibility(world.made.free, token) == ineligible("CARD_NOT_ACTIVE")


@pytest.mark.parametrize(
    ("scheme", "window_days"), [("SEMI_BANSOS_2020", 30), ("NORMAL_2023", 15)]
)
@pytest.mark.parametrize(("days_left", "passed"), [(1, False), (-1, True)])
def test_the_first_purchase_deadline_is_the_schemes_window(
    world: World, scheme: str, window_days: int, days_left: int, passed: bool
) -> None:
    since = now_in_jakarta() - timedelta(days=window_days - days_left)
    token = world.sign_up(scheme=scheme, recipient_since=since)
    expected = ineligible("FIRST_PURCHASE_DEADLINE_PASSED") if passed else ELIGIBLE
    assert world.eligibility(world.made.clean, token) == expected


def test_the_first_purchase_deadline_no_longer_applies_after_a_purchase(world: World) -> None:
    since = now_in_jakarta() - timedelta(days=400)
    token = world.sign_up(scheme="SEMI_BANSOS_2020", recipient_since=since,
                          purchases=(bought(world.made.finished, at=since + timedelta(days=2)),))
    assert world.eligibility(world.made.clean, token) == ELIGIBLE


@pytest.mark.parametrize(
    ("status", "rated", "blocks"),
    [("IN_PROGRESS", False, True), ("COMPLETED", False, True), ("COMPLETED", True, False), ("CANCELLED", False, False)],
)
def test_the_previous_course_must_be_finished_and_rated(world: World, status: str, rated: bool, blocks: bool) -> None:
    token = fresh_2023(world, purchases=(bought(world.made.finished, status=status, rated=rated),))
    expected = ineligible("PREVIOUS_COURSE_NOT_FINISHED") if blocks else ELIGIBLE
    assert world.eligibility(world.made.clean, token) == expected


def test_a_course_bought_is_already_purchased_on_every_platform_selling_it(world: World) -> None:
    first, *others = world.made.shared
    token = fresh_2023(world, purchases=(bought(first),))
    for listing in (first, *others):
        assert world.eligibility(listing, token) == ineligible("ALREADY_PURCHASED"), listing.id
    assert world.eligibility(world.made.shared_other[0], token) == ELIGIBLE


def test_a_course_cancelled_cannot_be_bought_again_on_any_platform(world: World) -> None:
    first, *others = world.made.shared
    token = fresh_2023(world, purchases=(bought(world.made.finished), bought(first, status="CANCELLED", rated=False)))
    for listing in (first, *others):
        assert world.eligibility(listing, token) == ineligible("PREVIOUSLY_CANCELLED"), listing.id
    assert world.eligibility(world.made.clean, token) == ELIGIBLE


def test_the_remaining_balance_bounds_the_price_with_no_top_up(world: World) -> None:
    token = fresh_2023(world, remaining_balance=100_000)
    assert world.eligibility(world.made.clean, token) == ELIGIBLE  # Rp100.000: exactly what is left
    assert world.eligibility(world.made.pricier, token) == ineligible("INSUFFICIENT_BALANCE")


def test_a_free_course_is_subject_to_the_same_rules(world: World) -> None:
    assert world.eligibility(world.made.free, fresh_2023(world, remaining_balance=0)) == ELIGIBLE
    blocked = fresh_2023(world, purchases=(bought(world.made.finished, status="IN_PROGRESS", rated=False),))
    assert world.eligibility(world.made.free, blocked) == ineligible("PREVIOUS_COURSE_NOT_FINISHED")


# -- combinations -------------------------------------------------------------------------------------

def test_two_participant_rules_failing_are_both_listed(world: World) -> None:
    token = fresh_2023(world, card_status="DEACTIVATED",
                       purchases=(bought(world.made.finished, status="IN_PROGRESS", rated=False),))
    assert world.eligibility(world.made.clean, token) == ineligible("CARD_NOT_ACTIVE", "PREVIOUS_COURSE_NOT_FINISHED")


def test_course_and_participant_rules_failing_together_are_listed_in_rules_order(world: World) -> None:
    course = world.made.every_course_rule
    token = fresh_2020(world, card_status="REVOKED", remaining_balance=0,
                       purchases=(bought(course, status="IN_PROGRESS", rated=False),))
    assert world.eligibility(course, token) == ineligible(
        "PLATFORM_SUSPENDED", "PROVIDER_NOT_REGISTERED", "MISSING_SYLLABUS", "MISSING_FINAL_ASSESSMENT",
        "PRICE_ABOVE_SCHEME_LIMIT", "CARD_NOT_ACTIVE", "PREVIOUS_COURSE_NOT_FINISHED", "ALREADY_PURCHASED",
        "INSUFFICIENT_BALANCE",
    )


def test_a_missed_deadline_and_a_course_rule_fail_together(world: World) -> None:
    token = world.sign_up(scheme="NORMAL_2023", recipient_since=now_in_jakarta() - timedelta(days=16))
    assert world.eligibility(world.made.no_syllabus, token) == ineligible("MISSING_SYLLABUS",
                                                                           "FIRST_PURCHASE_DEADLINE_PASSED")


def test_bought_and_cancelled_on_two_platforms_gives_both_reasons(world: World) -> None:
    first, second, *_ = world.made.shared
    token = fresh_2023(world, purchases=(bought(first, status="CANCELLED", rated=False), bought(second)))
    assert world.eligibility(first, token) == ineligible("ALREADY_PURCHASED", "PREVIOUSLY_CANCELLED")


# -- eligibleOnly -------------------------------------------------------------------------------------

ROW = "platform { slug } category method eligibility { status }"
FACETS = "facets { platforms { value count } categories { value count } methods { value count } }"


def eligible_only(world: World, token: str | None, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    flt = {"eligibleOnly": True, **(extra or {})}
    query = "query($filter: CourseFilter) { courses(filter: $filter, first: 100) { totalCount " + FACETS + " } }"
    connection: dict[str, Any] = world.client(query, {"filter": flt}, token=token)["courses"]
    connection["ids"] = {node["id"] for node in world.every_course("eligibility { status }", token, flt)}
    return connection


def facet_counts(rows: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    return {
        "platforms": dict(Counter(row["platform"]["slug"] for row in rows)),
        "categories": dict(Counter(row["category"] for row in rows)),
        "methods": dict(Counter(row["method"] for row in rows)),
    }


def test_eligible_only_shows_exactly_the_courses_marked_eligible(world: World) -> None:
    first, *_ = world.made.shared
    token = fresh_2023(world, remaining_balance=500_000,
                       purchases=(bought(first), bought(world.made.clean, status="CANCELLED", rated=False)))
    everything = list(world.every_course(ROW, token))
    eligible = [row for row in everything if row["eligibility"]["status"] == "ELIGIBLE"]
    assert 0 < len(eligible) < len(everything)

    shown = eligible_only(world, token)
    assert shown["ids"] == {row["id"] for row in eligible}
    assert shown["totalCount"] == len(eligible)
    facets = {name: {f["value"]: f["count"] for f in shown["facets"][name]} for name in shown["facets"]}
    assert facets == facet_counts(eligible)
    assert not shown["ids"] & {r.id for r in (*world.made.shared, world.made.clean, world.made.suspended)}


def test_eligible_only_combines_with_other_filters(world: World) -> None:
    token = fresh_2023(world)
    platform = world.made.clean.platform
    everything = list(world.every_course(ROW, token, {"platforms": [platform]}))
    eligible = {row["id"] for row in everything if row["eligibility"]["status"] == "ELIGIBLE"}
    shown = eligible_only(world, token, {"platforms": [platform]})
    assert shown["ids"] == eligible and shown["totalCount"] == len(eligible)


@pytest.mark.parametrize("who", ["anonymous", "card revoked", "deadline passed"])
def test_eligible_only_is_empty_for_whom_nothing_is_eligible(world: World, who: str) -> None:
    token = {
        "anonymous": None,
        "card revoked": fresh_2023(world, card_status="REVOKED"),
        "deadline passed": world.sign_up(recipient_since=now_in_jakarta() - timedelta(days=16)),
    }[who]
    shown = eligible_only(world, token)
    assert shown["totalCount"] == 0 and not shown["ids"]
    assert all(not facets for facets in shown["facets"].values())


# -- the demo participants ----------------------------------------------------------------------------

def test_the_demo_participants_show_every_rule_and_both_schemes(world: World) -> None:
    seen: set[str] = set()
    schemes: set[str] = set()
    for token in DemoToken:
        viewer = world.client("{ viewer { scheme } }", token=token.value)["viewer"]
        assert viewer is not None, token.name
        schemes.add(viewer["scheme"])
        for row in world.every_course("eligibility { reasons { code } }", token.value):
            seen.update(reason["code"] for reason in row["eligibility"]["reasons"])
    assert seen == {code.value for code in EligibilityCode}
    assert schemes == {"SEMI_BANSOS_2020", "NORMAL_2023"}
