"""The participant service: 401 for strangers, demo participants covering every rule, participants added by tests."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp

from sandbox import (
    DEMO_PARTICIPANT_LABELS,
    DEMO_PARTICIPANTS,
    DemoCatalogue,
    DemoToken,
    Participant,
    Purchase,
    Sandbox,
    generate,
)
from sandbox.participants import BUNDLE_CUTOFF, ParticipantService, timestamp

WINDOW = {"SEMI_BANSOS_2020": timedelta(days=30), "NORMAL_2023": timedelta(days=15)}


async def me(sandbox: Sandbox, http: aiohttp.ClientSession, authorization: str | None) -> tuple[int, Any]:
    headers = {"Authorization": authorization} if authorization is not None else {}
    async with http.get(sandbox.urls["participants"] + "/v1/participants/me", headers=headers) as response:
        return response.status, await response.json()


async def demo(sandbox: Sandbox, http: aiohttp.ClientSession, token: DemoToken) -> dict[str, Any]:
    status, body = await me(sandbox, http, f"Bearer {token}")
    assert status == 200, token
    assert isinstance(body, dict)
    return body


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


async def test_unknown_tokens_get_401(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    for authorization in (None, "", "Bearer", "Bearer demo-unknown", f"Basic {DemoToken.ELIGIBLE_2020}",
                          str(DemoToken.ELIGIBLE_2020)):
        async with http.get(sandbox.urls["participants"] + "/v1/participants/me",
                            headers={"Authorization": authorization} if authorization is not None else {}) as r:
            assert r.status == 401, authorization
            assert r.headers["WWW-Authenticate"].startswith("Bearer")


async def test_every_demo_participant_is_served_in_the_spec_shape(
    sandbox: Sandbox, http: aiohttp.ClientSession, catalogue: DemoCatalogue
) -> None:
    assert set(DEMO_PARTICIPANTS) == set(DEMO_PARTICIPANT_LABELS) == {t.value for t in DemoToken}
    card_numbers = set()
    for token in DemoToken:
        body = await demo(sandbox, http, token)
        assert token.startswith("demo-") and len(token) >= 16
        assert set(body) == {"participant_id", "card_number", "scheme", "card_status", "recipient_since", "balance",
                             "purchases"}
        assert re.fullmatch(r"\d{16}", body["card_number"])
        card_numbers.add(body["card_number"])
        assert body["scheme"] in WINDOW and body["card_status"] in {"ACTIVE", "REVOKED", "DEACTIVATED"}
        assert at(body["recipient_since"]).utcoffset() is not None
        assert 0 <= body["balance"]["remaining"] <= body["balance"]["initial"]
        for purchase in body["purchases"]:
            assert set(purchase) == {"platform", "listing_id", "title", "provider", "purchased_at", "price", "status",
                                     "rated", "is_bundle"}
            record = catalogue.get(purchase["platform"], purchase["listing_id"])  # real records of the catalogue
            assert (purchase["title"], purchase["provider"]["name"]) == (record.title, record.provider_name)
            assert purchase["is_bundle"] is record.is_bundle
    assert len(card_numbers) == len(DemoToken)


async def test_the_demo_cards_cover_both_schemes_and_card_states(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    eligible_2020 = await demo(sandbox, http, DemoToken.ELIGIBLE_2020)
    eligible_2023 = await demo(sandbox, http, DemoToken.ELIGIBLE_2023)
    assert (eligible_2020["scheme"], eligible_2023["scheme"]) == ("SEMI_BANSOS_2020", "NORMAL_2023")
    assert eligible_2020["balance"]["initial"] == 1_000_000 and eligible_2023["balance"]["initial"] == 3_500_000
    for body in (eligible_2020, eligible_2023):
        assert body["card_status"] == "ACTIVE"
        assert all(p["status"] == "COMPLETED" and p["rated"] for p in body["purchases"])
    assert (await demo(sandbox, http, DemoToken.REVOKED))["card_status"] == "REVOKED"
    assert (await demo(sandbox, http, DemoToken.DEACTIVATED))["card_status"] == "DEACTIVATED"


async def test_first_purchase_windows_passed_and_open(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    now = datetime.now(UTC)
    passed = await demo(sandbox, http, DemoToken.DEADLINE_PASSED)
    assert not passed["purchases"] and at(passed["recipient_since"]) + WINDOW[passed["scheme"]] < now
    fresh = await demo(sandbox, http, DemoToken.NEW_RECIPIENT)
    since = at(fresh["recipient_since"])
    assert not fresh["purchases"]
    assert now - timedelta(days=4) < since < now - timedelta(days=2), "computed at request time"
    assert since + WINDOW[fresh["scheme"]] > now


async def test_unfinished_courses(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    in_progress = await demo(sandbox, http, DemoToken.IN_PROGRESS)
    assert [p["status"] for p in in_progress["purchases"]] == ["IN_PROGRESS"]
    not_rated = await demo(sandbox, http, DemoToken.NOT_RATED)
    assert [(p["status"], p["rated"]) for p in not_rated["purchases"]] == [("COMPLETED", False)]
    two_rules = await demo(sandbox, http, DemoToken.TWO_RULES)
    assert two_rules["card_status"] == "DEACTIVATED"
    assert [p["status"] for p in two_rules["purchases"]] == ["IN_PROGRESS"]


async def test_a_course_bought_is_also_sold_on_another_platform(
    sandbox: Sandbox, http: aiohttp.ClientSession, catalogue: DemoCatalogue
) -> None:
    (purchase,) = (await demo(sandbox, http, DemoToken.ALREADY_PURCHASED))["purchases"]
    record = catalogue.get(purchase["platform"], purchase["listing_id"])
    assert purchase["status"] == "COMPLETED" and record.on_sale
    assert any(other.platform != record.platform for other in catalogue.same_course(record))


async def test_cancelled_and_low_balance(
    sandbox: Sandbox, http: aiohttp.ClientSession, catalogue: DemoCatalogue
) -> None:
    cancelled = await demo(sandbox, http, DemoToken.CANCELLED)
    statuses = [p["status"] for p in cancelled["purchases"]]
    assert "CANCELLED" in statuses and "COMPLETED" in statuses
    paid = sum(p["price"] for p in cancelled["purchases"] if p["status"] != "CANCELLED")
    assert cancelled["balance"]["remaining"] == cancelled["balance"]["initial"] - paid, "a cancellation is refunded"
    low = await demo(sandbox, http, DemoToken.LOW_BALANCE)
    assert 0 < low["balance"]["remaining"] <= 200_000
    assert any(r.price > low["balance"]["remaining"] for r in catalogue.on_sale())


async def test_bundles_bought_around_the_cutoff(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    purchases = (await demo(sandbox, http, DemoToken.BUNDLES))["purchases"]
    assert all(p["is_bundle"] for p in purchases)
    times = [p["purchased_at"] for p in purchases]
    assert "2020-06-29T16:59:59Z" in times and "2020-06-29T17:30:00Z" in times
    honoured = [at(t) < BUNDLE_CUTOFF for t in times]
    assert honoured.count(True) >= 2 and honoured.count(False) >= 2
    assert at("2020-06-29T17:30:00Z") > BUNDLE_CUTOFF > at("2020-06-29T16:59:59Z")


async def test_tests_add_their_own_participants(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    # NORMAL_2023: a 15-day window; one day left, and one day over.
    sandbox.add_participant("t-open", Participant(recipient_since=timedelta(days=14)))
    sandbox.add_participant("t-shut", Participant(recipient_since=timedelta(days=16), card_number="5200111122223333"))
    now = datetime.now(UTC)
    _, open_ = await me(sandbox, http, "Bearer t-open")
    _, shut = await me(sandbox, http, "Bearer t-shut")
    assert at(open_["recipient_since"]) + WINDOW["NORMAL_2023"] > now > at(shut["recipient_since"]) + WINDOW[
        "NORMAL_2023"]
    assert shut["card_number"] == "5200111122223333"
    sandbox.remove_participant("t-open")
    assert (await me(sandbox, http, "Bearer t-open"))[0] == 401

    sandbox.add_participant(DemoToken.REVOKED, Participant(card_status="ACTIVE"))  # a test may override a demo
    assert (await demo(sandbox, http, DemoToken.REVOKED))["card_status"] == "ACTIVE"
    sandbox.participants.reset()
    assert (await demo(sandbox, http, DemoToken.REVOKED))["card_status"] == "REVOKED"


async def test_demo_purchases_follow_a_replaced_catalogue(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    replacement = generate(400, seed=77)
    sandbox.replace_catalogue(replacement)
    for token in DemoToken:
        for purchase in (await demo(sandbox, http, token))["purchases"]:
            replacement.get(purchase["platform"], purchase["listing_id"])


def test_balances_and_timestamps() -> None:
    course = generate(200, seed=3).on_sale()[0]
    cancelled = Purchase.of(course, datetime(2023, 3, 1, tzinfo=UTC), "CANCELLED", rated=False)
    kept = Purchase.of(course, datetime(2023, 3, 5, tzinfo=UTC))
    person = Participant(scheme="SEMI_BANSOS_2020", purchases=(cancelled, kept))
    document = person.document(datetime.now(UTC))
    assert document["balance"] == {"initial": 1_000_000, "remaining": max(0, 1_000_000 - course.price)}
    assert document["purchases"][0]["purchased_at"] == "2023-03-01T00:00:00Z"
    assert timestamp(datetime(2020, 6, 30, tzinfo=BUNDLE_CUTOFF.tzinfo)) == "2020-06-30T00:00:00+07:00"


def test_a_tiny_catalogue_still_gives_every_demo_participant() -> None:
    service = ParticipantService(DemoCatalogue([]))
    for token in DemoToken:
        participant = service.get(token)
        assert participant is not None
        assert participant.document(datetime.now(UTC))["card_number"]
