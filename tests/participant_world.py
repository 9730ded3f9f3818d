"""A sandbox and a gateway on loopback, with courses made to fail chosen rules and participants signed up at will.

The demo catalogue is generated; a handful of its listings are then altered (an NIB removed, a price set, ...) so
that every course-level rule has a course failing it alone, or with others, whatever the generator's randomness.
Participants are added to the sandbox's participant service under fresh random tokens, so no test sees another's
cached answer.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from sandbox import CourseRecord, DemoCatalogue, Participant, Purchase, SandboxThread, generate
from tests.harness import GatewayThread, GraphQLClient

JAKARTA = timezone(timedelta(hours=7))
SUSPENDED = "sekolahmu"
"""The platform the test gateway has ``suspended = true``."""
TIMEOUT_S = 1.0
CACHE_TTL_S = 1.0
COURSES = 400

ELIGIBILITY = "query($id: ID!) { course(id: $id) { eligibility { status reasons { code message } } } }"


@dataclass(frozen=True, slots=True)
class Made:
    """The altered listings, each failing exactly the course-level rules its name says (and no other)."""

    clean: CourseRecord
    """Passes every course rule; Rp100.000."""
    pricier: CourseRecord
    """Passes every course rule; Rp500.000."""
    finished: CourseRecord
    """Passes every course rule; what signed-up participants bought before."""
    free: CourseRecord
    at_2020_limit: CourseRecord
    """Rp1.000.000: not above the SEMI_BANSOS_2020 balance (the limit is inclusive)."""
    above_2020_limit: CourseRecord
    """Rp1.500.000: above the SEMI_BANSOS_2020 balance only."""
    above_2023_limit: CourseRecord
    """Rp5.000.000: above both schemes' balances."""
    no_nib: CourseRecord
    no_syllabus: CourseRecord
    no_final_assessment: CourseRecord
    suspended: CourseRecord
    """On the suspended platform, and otherwise clean."""
    suspended_no_nib: CourseRecord
    every_course_rule: CourseRecord
    """Suspended platform, no NIB, no syllabus, no final assessment, Rp5.000.000."""
    shared: tuple[CourseRecord, ...]
    """One course on sale on several platforms, every listing clean."""
    shared_other: tuple[CourseRecord, ...]
    """Another such course."""


class World:
    """The sandbox, a gateway on it, and a client; see the module docstring."""

    def __init__(self) -> None:
        catalogue, self.made = _made_catalogue(generate(COURSES))
        self.sandbox = SandboxThread(catalogue)
        self.sandbox.start()
        try:
            self.gateway = _started(GatewayThread(self.config()))
        except BaseException:
            self.sandbox.stop()
            raise
        self.client = GraphQLClient(self.gateway.url)

    def config(self, **overrides: Any) -> dict[str, Any]:
        return self.sandbox.gateway_config(**_merge({
            "participants": {"timeout_s": TIMEOUT_S, "cache_ttl_s": CACHE_TTL_S},
            "platforms": {SUSPENDED: {"suspended": True}},
        }, overrides))

    @contextmanager
    def another_gateway(self, **overrides: Any) -> Iterator[GraphQLClient]:
        """A client of another gateway on the same sandbox, ``overrides`` changing its configuration."""
        gateway = _started(GatewayThread(self.config(**overrides)))
        try:
            with GraphQLClient(gateway.url) as client:
                yield client
        finally:
            gateway.__exit__(None, None, None)

    def close(self) -> None:
        self.client.close()
        self.gateway.__exit__(None, None, None)
        self.sandbox.stop()

    # -- participants --------------------------------------------------------------------------------

    def sign_up(self, **fields: Any) -> str:
        """A fresh token for a new participant (``sandbox.Participant`` fields; a unique card unless given)."""
        token = "test-" + secrets.token_hex(12)
        fields.setdefault("card_number", "5200" + "".join(secrets.choice("0123456789") for _ in range(12)))
        fields.setdefault("participant_id", "P-" + secrets.token_hex(4))
        self.sandbox.add_participant(token, Participant(**fields))
        return token

    def card_of(self, token: str) -> str:
        participant = self.sandbox.participants.get(token)
        assert participant is not None
        return participant.card_number

    # -- asking the gateway --------------------------------------------------------------------------

    def eligibility(self, course: CourseRecord, token: str | None = None, client: GraphQLClient | None = None
                    ) -> tuple[str, list[str]]:
        """The course's eligibility status and reason codes, for the caller of ``token``."""
        data = (client or self.client)(ELIGIBILITY, {"id": course.id}, token=token)
        assert data["course"] is not None, f"{course.id} is not on sale"
        eligibility = data["course"]["eligibility"]
        return eligibility["status"], [reason["code"] for reason in eligibility["reasons"]]

    def every_course(self, fields: str, token: str | None = None, filter: dict[str, Any] | None = None
                     ) -> Iterator[dict[str, Any]]:
        """Every course matching ``filter`` (all pages), each with ``fields``."""
        query = (
            "query($filter: CourseFilter, $after: String) {"
            " courses(filter: $filter, first: 100, sort: PRICE_ASC, after: $after) {"
            " edges { node { id " + fields + " } } pageInfo { hasNextPage endCursor } } }"
        )
        after = None
        while True:
            page = self.client(query, {"filter": filter, "after": after}, token=token)["courses"]
            yield from (edge["node"] for edge in page["edges"])
            if not page["pageInfo"]["hasNextPage"]:
                return
            after = page["pageInfo"]["endCursor"]


def _started(gateway: GatewayThread) -> GatewayThread:
    gateway.__enter__()
    try:
        gateway.wait_ready()
    except BaseException:
        gateway.__exit__(None, None, None)
        raise
    return gateway


def bought(record: CourseRecord, *, status: str = "COMPLETED", rated: bool = True,
           at: datetime = datetime(2023, 3, 1, 10, tzinfo=JAKARTA)) -> Purchase:
    """A purchase of ``record`` at its price."""
    return Purchase.of(record, at, status, rated=rated)  # type: ignore[arg-type]


def seconds(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)


def now_in_jakarta() -> datetime:
    return seconds(datetime.now(UTC).astimezone(JAKARTA))


# -- the altered catalogue ----------------------------------------------------------------------------

def _made_catalogue(catalogue: DemoCatalogue) -> tuple[DemoCatalogue, Made]:
    shared = [
        group for group in catalogue.shared_courses()
        if all(_clean(r) and r.platform != SUSPENDED for r in group)
    ]
    # Different titles across platforms where there are some: rule 9 must see through case and punctuation.
    shared.sort(key=lambda group: len({r.title for r in group}) == 1)
    assert len(shared) >= 2, "the demo catalogue has too few courses sold on several platforms"
    in_shared = {r.id for group in catalogue.shared_courses() for r in group}
    singles = [r for r in catalogue.on_sale() if _clean(r) and r.id not in in_shared]
    elsewhere = iter(r for r in singles if r.platform != SUSPENDED)
    on_suspended = iter(r for r in singles if r.platform == SUSPENDED)

    def made(source: Iterator[CourseRecord], **changes: Any) -> CourseRecord:
        return replace(next(source), **changes)

    result = Made(
        clean=made(elsewhere, price=100_000),
        pricier=made(elsewhere, price=500_000),
        finished=made(elsewhere, price=250_000),
        free=made(elsewhere, price=0),
        at_2020_limit=made(elsewhere, price=1_000_000),
        above_2020_limit=made(elsewhere, price=1_500_000),
        above_2023_limit=made(elsewhere, price=5_000_000),
        no_nib=made(elsewhere, provider_nib=None, price=100_000),
        no_syllabus=made(elsewhere, syllabus=(), price=100_000),
        no_final_assessment=made(elsewhere, has_final_assessment=False, price=100_000),
        suspended=made(on_suspended, price=100_000),
        suspended_no_nib=made(on_suspended, provider_nib=None, price=100_000),
        every_course_rule=made(on_suspended, provider_nib=None, syllabus=(), has_final_assessment=False,
                               price=5_000_000),
        shared=shared[0],
        shared_other=shared[1],
    )
    changed = [value for value in (getattr(result, name) for name in Made.__slots__)
               if isinstance(value, CourseRecord)]
    return catalogue.with_records(changed), result


def _clean(record: CourseRecord) -> bool:
    return bool(record.on_sale and record.provider_nib and record.syllabus and record.has_final_assessment
                and record.price <= 1_000_000)


def _merge(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged

