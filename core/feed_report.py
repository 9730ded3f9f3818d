"""What one reading of a platform's feed found: the accounting every refresh keeps and ``check-feed`` prints.

Plain data, JSON-ready through :meth:`FeedReport.to_json`, so that it can travel with a snapshot between processes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

MAX_UNUSABLE_SHARE = 0.05
"""A feed with more than this share of its listings unusable could not go live (spec README, "check-feed")."""


@dataclass(frozen=True, slots=True)
class UnusableListing:
    """A listing that was skipped: it cannot be read (bad price, wrong type, malformed line)."""

    id: str | None
    """The platform's own id of the listing; ``None`` when not even that can be read (a line that is not JSON)."""
    reason: str


@dataclass(frozen=True, slots=True)
class Missing:
    """Courses on sale that lack what the rules require: they would be listed, but INELIGIBLE."""

    nib: int = 0
    syllabus: int = 0
    final_assessment: int = 0


@dataclass(frozen=True, slots=True)
class PageRead:
    """One page of the feed as it came over HTTP: how long its answer took, whole body read, and its size."""

    page: int
    ms: float
    bytes: int


@dataclass(frozen=True, slots=True)
class FeedReport:
    """One reading of one feed. Every raw listing is counted once, in this order: inactive, unusable, bundle, on
    sale. ``unusable``, ``unmapped_labels`` and ``duplicate_ids`` name a bounded number each (the adapters' tally
    sets it); ``unusable_count`` is always the whole count."""

    adapter: str
    pages: int = 0
    """Pages whose listings were counted (a page that failed is not among them)."""
    listings: int = 0
    on_sale: int = 0
    bundles: int = 0
    inactive: int = 0
    unusable_count: int = 0
    unusable: tuple[UnusableListing, ...] = ()
    missing: Missing = Missing()
    unmapped_labels: tuple[str, ...] = ()
    """The platform's category labels that fall to ``Lainnya``, as the feed writes them."""
    duplicate_ids: tuple[str, ...] = ()
    """Ids that more than one listing of the feed carries."""
    errors: tuple[str, ...] = ()
    """What stops the feed going live: it cannot be read whole, or too many of its listings are unusable."""
    retried: tuple[str, ...] = ()
    """Transient failures (a timeout, a 5xx, a cut-off body) after which the whole read was started again."""
    responses: tuple[PageRead, ...] = ()

    @property
    def ok(self) -> bool:
        """The feed could go live."""
        return not self.errors

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, **asdict(self)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FeedReport:
        """A report from :meth:`to_json` (or ``dataclasses.asdict``), as it travels with a snapshot."""
        fields = {key: value for key, value in data.items() if key != "ok"}  # ``ok`` follows from ``errors``
        return cls(**{
            **fields,
            "unusable": tuple(UnusableListing(**listing) for listing in data["unusable"]),
            "missing": Missing(**data["missing"]),
            "unmapped_labels": tuple(data["unmapped_labels"]),
            "duplicate_ids": tuple(data["duplicate_ids"]),
            "errors": tuple(data["errors"]),
            "retried": tuple(data["retried"]),
            "responses": tuple(PageRead(**page) for page in data["responses"]),
        })
