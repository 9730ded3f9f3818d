"""A feed report travels with the snapshot, from the refresher's process to the servers', as plain JSON."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson

from core.feed_report import FeedReport, Missing, PageRead, UnusableListing
from core.snapshot import FeedState

REPORT = FeedReport(
    adapter="standard", pages=2, listings=5, on_sale=2, bundles=1, inactive=1, unusable_count=1,
    unusable=(UnusableListing("KRM-9", "price is not a recognised amount"),),
    missing=Missing(nib=1, syllabus=0, final_assessment=1), unmapped_labels=("Kuliner Nusantara",),
    duplicate_ids=("KRM-2",), errors=("1 of 5 listings (20.0%) cannot be used: more than 5%",),
    retried=("page 2: HTTP 502 from /prakerja-feed/v1/courses",),
    responses=(PageRead(1, 3.2, 38429), PageRead(2, 1.5, 1200)),
)


def test_a_report_reads_back_from_its_json() -> None:
    data = orjson.loads(orjson.dumps(REPORT.to_json()))
    assert data["ok"] is False and data["missing"] == {"nib": 1, "syllabus": 0, "final_assessment": 1}
    assert FeedReport.from_json(data) == REPORT


def test_a_feed_state_carries_its_report_through_a_snapshot() -> None:
    state = FeedState("karirmu", "Karier.mu", suspended=False, courses=2, skipped=1,
                      last_success_at=datetime(2026, 12, 2, 9, 0, tzinfo=UTC), attempted=True, report=REPORT)
    assert FeedState.from_json(orjson.loads(orjson.dumps(state.to_json()))) == state
    assert FeedState.from_json(orjson.loads(orjson.dumps(FeedState("x", "X", False).to_json()))).report is None
