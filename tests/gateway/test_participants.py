"""The signed-in participant: ``viewer``, tokens good and bad, and the participant service failing (platforms.md §10).

Over HTTP against the sandbox's participant service, with faults injected into it.
"""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from sandbox import DEMO_PARTICIPANTS, DemoToken, Fault, Purchase
from tests.participant_world import JAKARTA, TIMEOUT_S, World, bought, now_in_jakarta

VIEWER = """{ viewer { cardNumber scheme cardStatus initialBalance { amount formatted }
    remainingBalance { amount formatted } firstPurchaseDeadline
    purchases { courseId title platform { slug name } purchasedAt price { amount formatted } status isBundle
                honoured } } }"""
CATALOGUE_AND_VIEWER = """query($id: ID!) { viewer { cardNumber }
    courses(first: 5) { totalCount edges { node { id } } }
    course(id: $id) { eligibility { status reasons { code } } } }"""


def codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


# -- viewer -------------------------------------------------------------------------------------------

def test_anonymous_callers_have_no_viewer_and_no_error(world: World) -> None:
    assert world.client(VIEWER) == {"viewer": None}


def test_the_viewer_shows_the_participant_with_a_masked_card(world: World) -> None:
    token = world.sign_up(card_number="5200123412345678", scheme="SEMI_BANSOS_2020", card_status="ACTIVE",
                          recipient_since=datetime(2020, 4, 20, 10, tzinfo=JAKARTA),
                          purchases=(bought(world.made.finished, at=datetime(2020, 5, 2, 9, tzinfo=JAKARTA)),),
                          remaining_balance=750_000)
    viewer = world.client(VIEWER, token=token)["viewer"]
    assert viewer["cardNumber"] == "**** **** **** 5678"
    assert (viewer["scheme"], viewer["cardStatus"]) == ("SEMI_BANSOS_2020", "ACTIVE")
    assert viewer["initialBalance"] == {"amount": 1_000_000, "formatted": "Rp1.000.000"}
    assert viewer["remainingBalance"] == {"amount": 750_000, "formatted": "Rp750.000"}
    assert viewer["firstPurchaseDeadline"] is None  # a first purchase was made
    [purchase] = viewer["purchases"]
    course = world.made.finished
    assert purchase["courseId"] == course.id and purchase["title"] == course.title
    assert purchase["platform"]["slug"] == course.platform and purchase["platform"]["name"]
    assert instant(purchase["purchasedAt"]) == datetime(2020, 5, 2, 9, tzinfo=JAKARTA)
    assert purchase["price"]["amount"] == course.price
    assert (purchase["status"], purchase["isBundle"], purchase["honoured"]) == ("COMPLETED", False, True)


def test_purchases_are_listed_newest_first(world: World) -> None:
    made = world.made
    moments = [datetime(2023, 3, 1, 9, tzinfo=JAKARTA), datetime(2023, 3, 1, 1, 59, tzinfo=UTC),
               datetime(2023, 5, 20, 14, tzinfo=JAKARTA)]  # 01:59Z is 08:59 in Jakarta: the oldest
    token = world.sign_up(purchases=tuple(
        bought(course, at=at) for course, at in zip((made.clean, made.pricier, made.finished), moments, strict=True)
    ))
    purchases = world.client(VIEWER, token=token)["viewer"]["purchases"]
    assert [p["courseId"] for p in purchases] == [made.finished.id, made.clean.id, made.pricier.id]


@pytest.mark.parametrize(("scheme", "window_days"), [("SEMI_BANSOS_2020", 30), ("NORMAL_2023", 15)])
def test_the_first_purchase_deadline_is_recipient_since_plus_the_schemes_window(
    world: World, scheme: str, window_days: int
) -> None:
    since = now_in_jakarta() - timedelta(days=3)
    token = world.sign_up(scheme=scheme, recipient_since=since)
    deadline = world.client(VIEWER, token=token)["viewer"]["firstPurchaseDeadline"]
    assert instant(deadline) == since + timedelta(days=window_days)
    assert deadline.endswith("+07:00")


def test_bundles_are_honoured_only_when_bought_before_the_cut_off_to_the_second(world: World) -> None:
    bundle = Purchase(platform="tokopedia", listing_id="8819999", title="Paket Hemat Uji", provider_name="LKP Uji",
                      provider_nib="9120000000009", purchased_at=datetime(2020, 1, 1, tzinfo=UTC), price=300_000,
                      is_bundle=True)
    cases = {
        datetime(2020, 6, 29, 23, 59, 59, tzinfo=JAKARTA): True,
        datetime(2020, 6, 30, 0, 0, 0, tzinfo=JAKARTA): False,
        datetime(2020, 6, 29, 16, 59, 59, tzinfo=UTC): True,   # 23:59:59 in Jakarta
        datetime(2020, 6, 29, 17, 0, 0, tzinfo=UTC): False,    # midnight in Jakarta
        datetime(2020, 6, 29, 17, 30, 0, tzinfo=UTC): False,   # still 29 June in UTC, 30 June in Jakarta
    }
    single = bought(world.made.finished, at=datetime(2020, 7, 1, tzinfo=JAKARTA))
    token = world.sign_up(scheme="SEMI_BANSOS_2020", purchases=(
        *(replace(bundle, listing_id=f"88199{n}", purchased_at=at) for n, at in enumerate(cases)),
        single,
    ))
    purchases = world.client(VIEWER, token=token)["viewer"]["purchases"]
    honoured = {instant(p["purchasedAt"]): p["honoured"] for p in purchases if p["isBundle"]}
    assert honoured == cases
    assert [p["honoured"] for p in purchases if not p["isBundle"]] == [True]  # a single course, after the cut-off


def test_the_demo_bundle_buyer_shows_honoured_and_not(world: World) -> None:
    purchases = world.client(VIEWER, token=DemoToken.BUNDLES.value)["viewer"]["purchases"]
    assert {p["honoured"] for p in purchases if p["isBundle"]} == {True, False}


def test_every_demo_token_is_printed_by_the_demo_with_what_it_shows(world: World) -> None:
    assert set(DEMO_PARTICIPANTS) == {token.value for token in DemoToken}
    assert all(description.strip() for description in DEMO_PARTICIPANTS.values())


# -- tokens ---------------------------------------------------------------------------------------------

def test_an_unknown_token_is_unauthenticated_and_served_as_anonymous(world: World) -> None:
    token = "test-nobody-has-this-token"
    body = world.client.post(CATALOGUE_AND_VIEWER, {"id": world.made.clean.id}, token=token).json()
    assert codes(body) == ["UNAUTHENTICATED"]
    assert body["data"]["viewer"] is None
    assert body["data"]["courses"]["totalCount"] > 0
    assert body["data"]["course"]["eligibility"] == {"status": "SIGN_IN_REQUIRED", "reasons": []}
    assert token not in str(body)


def test_an_invalid_token_is_reported_even_when_viewer_is_not_asked(world: World) -> None:
    body = world.client.post("{ courses(first: 1) { totalCount } }", token="test-expired").json()
    assert codes(body) == ["UNAUTHENTICATED"]
    assert body["data"]["courses"]["totalCount"] > 0


@pytest.mark.parametrize("header", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer two words", "Token abc", "demo-token"])
def test_a_malformed_authorization_header_is_unauthenticated(world: World, header: str) -> None:
    response = world.client.http.post("/graphql", json={"query": "{ viewer { scheme } }"},
                                      headers={"Authorization": header})
    assert response.status_code == 200
    body = response.json()
    assert codes(body) == ["UNAUTHENTICATED"] and body["data"] == {"viewer": None}


def test_the_bearer_scheme_is_case_insensitive(world: World) -> None:
    token = world.sign_up()
    response = world.client.http.post("/graphql", json={"query": "{ viewer { cardNumber } }"},
                                      headers={"Authorization": f"bearer {token}"})
    assert response.json() == {"data": {"viewer": {"cardNumber": "**** **** **** " + world.card_of(token)[-4:]}}}


def test_queries_by_get_are_signed_in_too(world: World) -> None:
    token = world.sign_up()
    response = world.client.http.get("/graphql", params={"query": "{ viewer { scheme } }"},
                                     headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})
    assert response.json() == {"data": {"viewer": {"scheme": "NORMAL_2023"}}}


# -- the participant service failing ------------------------------------------------------------------

def assert_served_as_anonymous(world: World, body: dict[str, Any]) -> None:
    assert codes(body) == ["PARTICIPANT_SERVICE_UNAVAILABLE"]
    assert body["data"]["viewer"] is None
    assert body["data"]["courses"]["totalCount"] > 0
    assert body["data"]["course"]["eligibility"]["status"] == "SIGN_IN_REQUIRED"


def ask(world: World, token: str, client: Any = None) -> dict[str, Any]:
    response = (client or world.client).post(CATALOGUE_AND_VIEWER, {"id": world.made.clean.id}, token=token)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize("fault", [Fault(status=503), Fault(status=500), Fault(garbage=True), Fault(truncated=True),
                                   Fault(status=403)], ids=["503", "500", "garbage", "truncated", "403"])
def test_a_failing_participant_service_leaves_the_catalogue_served(calm: World, fault: Fault) -> None:
    calm.sandbox.set_fault("participants", fault)
    assert_served_as_anonymous(calm, ask(calm, calm.sign_up()))


@pytest.mark.parametrize(
    "fields",
    [
        {"card_number": "12"},  # too short to be a card
        {"recipient_since": datetime(2023, 2, 10, 9)},  # no offset: which day it is in Jakarta is unknown
        {"remaining_balance": -1},
        {"scheme": "GOLD_2024"},
    ],
    ids=["card", "naive time", "negative balance", "scheme"],
)
def test_an_answer_that_is_not_a_participant_is_an_unavailable_service(calm: World, fields: dict[str, Any]) -> None:
    assert_served_as_anonymous(calm, ask(calm, calm.sign_up(**fields)))


def test_an_unreachable_participant_service_leaves_the_catalogue_served(world: World) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    with world.another_gateway(participants={"base_url": f"http://127.0.0.1:{port}"}) as client:
        assert_served_as_anonymous(world, ask(world, world.sign_up(), client))


@pytest.mark.parametrize("fault", [Fault(latency_s=10 * TIMEOUT_S), Fault(hang=True)], ids=["slow", "hanging"])
def test_a_slow_participant_service_costs_at_most_its_timeout(calm: World, fault: Fault) -> None:
    calm.sandbox.set_fault("participants", fault)
    assert_served_as_anonymous(calm, ask(calm, calm.sign_up()))  # answered, though the service never is
    # Until the service is known to answer again, nobody else waits for it: nobody else even asks it.
    asked = calm.sandbox.request_count("participants")
    assert_served_as_anonymous(calm, ask(calm, calm.sign_up()))
    assert calm.sandbox.request_count("participants") == asked
    calm.sandbox.clear_faults()
    wait_until_signed_in(calm)


def wait_until_signed_in(world: World, within_s: float = 3 * TIMEOUT_S + 1) -> None:
    """The service is back: a new participant is signed in again within the breaker's cool-down and a probe."""
    token = world.sign_up()
    deadline = time.monotonic() + within_s
    while (viewer := ask(world, token)["data"]["viewer"]) is None:
        assert time.monotonic() < deadline, "the gateway did not use the participant service again"
        time.sleep(0.1)
    assert viewer["cardNumber"].endswith(world.card_of(token)[-4:])


def test_a_cached_participant_is_served_while_the_service_is_down(calm: World) -> None:
    token = calm.sign_up()
    assert ask(calm, token)["data"]["viewer"] is not None
    calm.sandbox.set_fault("participants", Fault(status=503))
    body = ask(calm, token)
    assert "errors" not in body and body["data"]["viewer"] is not None


# -- the cache ------------------------------------------------------------------------------------------

def test_a_participant_is_cached_no_longer_than_the_ttl(world: World) -> None:
    token = world.sign_up(remaining_balance=1_000_000)
    query = "{ viewer { remainingBalance { amount } } }"
    assert world.client(query, token=token)["viewer"]["remainingBalance"]["amount"] == 1_000_000
    participant = world.sandbox.participants.get(token)
    assert participant is not None
    world.sandbox.add_participant(token, replace(participant, remaining_balance=400_000))
    seen = world.client(query, token=token)["viewer"]["remainingBalance"]["amount"]
    assert seen == 1_000_000  # within the TTL: from the cache
    # Past the TTL it is asked again; the deadline only stops a cache that never expires from hanging the test.
    deadline = time.monotonic() + world.gateway.config.participants.cache_ttl_s + 20
    while seen != 400_000:
        assert time.monotonic() < deadline, "a cached participant was never read again"
        time.sleep(0.05)
        seen = world.client(query, token=token)["viewer"]["remainingBalance"]["amount"]


def test_concurrent_requests_with_one_token_share_one_call_to_the_service(calm: World) -> None:
    # The first call to the service fails slowly, and only that one: every request that shared it fails with it.
    calm.sandbox.set_fault("participants", Fault(latency_s=0.5, status=503, times=1))
    token = calm.sign_up()
    with ThreadPoolExecutor(8) as pool:
        bodies = list(pool.map(lambda _: ask(calm, token), range(8)))
    assert all(codes(body) == ["PARTICIPANT_SERVICE_UNAVAILABLE"] for body in bodies)
    assert ask(calm, token)["data"]["viewer"] is not None  # the next call is a new one


def test_two_tokens_queried_concurrently_never_see_each_others_data(calm: World) -> None:
    made = calm.made
    tokens = {
        calm.sign_up(scheme="SEMI_BANSOS_2020", purchases=(bought(made.clean),), remaining_balance=900_000):
            ("SEMI_BANSOS_2020", made.clean.id, 900_000),
        calm.sign_up(scheme="NORMAL_2023", purchases=(bought(made.pricier),), remaining_balance=3_000_000):
            ("NORMAL_2023", made.pricier.id, 3_000_000),
    }
    # Slow enough that the two tokens' calls to the service overlap, well within the timeout.
    calm.sandbox.set_fault("participants", Fault(latency_s=0.2))
    query = """query($id: ID!) { viewer { cardNumber scheme remainingBalance { amount } purchases { courseId } }
        course(id: $id) { eligibility { reasons { code } } } }"""

    def check(token: str) -> None:
        scheme, course_id, remaining = tokens[token]
        viewer = calm.client(query, {"id": made.clean.id}, token=token)
        assert viewer["viewer"] == {
            "cardNumber": "**** **** **** " + calm.card_of(token)[-4:], "scheme": scheme,
            "remainingBalance": {"amount": remaining}, "purchases": [{"courseId": course_id}],
        }
        own_purchase = course_id == made.clean.id
        assert (viewer["course"]["eligibility"]["reasons"] == [{"code": "ALREADY_PURCHASED"}]) is own_purchase

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(check, [*tokens] * 12))


# -- logs -----------------------------------------------------------------------------------------------

class _Everything(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=1)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))  # the message, its arguments, and any traceback or stack


@pytest.fixture
def every_log_line() -> Iterator[list[str]]:
    """Every log record of every logger, at every level (uvicorn's TRACE and below included)."""
    handler = _Everything()
    loggers = [logging.getLogger(), *(logging.getLogger(name) for name in list(logging.root.manager.loggerDict))]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(1)
    logging.getLogger().addHandler(handler)
    try:
        yield handler.lines
    finally:
        logging.getLogger().removeHandler(handler)
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def test_no_token_card_number_or_participant_datum_reaches_a_log(calm: World, every_log_line: list[str]) -> None:
    secrets_ = [DemoToken.ELIGIBLE_2020.value]

    def participant(**fields: Any) -> str:
        token = calm.sign_up(**fields)
        found = calm.sandbox.participants.get(token)
        assert found is not None
        secrets_.extend([token, found.participant_id, *([found.card_number] if "card_number" not in fields else [])])
        return token

    for token in (participant(), participant(card_status="REVOKED"), DemoToken.ELIGIBLE_2020.value):
        ask(calm, token)
        ask(calm, token)  # from the cache
    ask(calm, participant(card_number="12"))  # malformed: logged as such, without its content
    ask(calm, "test-unknown-token-5f2a")
    secrets_.append("test-unknown-token-5f2a")
    calm.client.http.post("/graphql", json={"query": "{ viewer { scheme } }"},
                          headers={"Authorization": "Basic dGVzdC1zZWNyZXQtYmFzaWM="})
    secrets_.append("dGVzdC1zZWNyZXQtYmFzaWM=")
    for fault in (Fault(status=503), Fault(garbage=True), Fault(truncated=True), Fault(latency_s=3 * TIMEOUT_S)):
        calm.sandbox.set_fault("participants", fault)
        ask(calm, participant())
    calm.sandbox.clear_faults()
    wait_until_signed_in(calm)

    assert any("participant service" in line for line in every_log_line), "the failures were not logged at all"
    leaks = [(secret, line) for line in every_log_line for secret in secrets_ if secret in line]
    assert not leaks, leaks[:3]
    cards = [s for s in secrets_ if s.isdigit()]
    assert cards and not any(card[-8:] in line for card in cards for line in every_log_line)
