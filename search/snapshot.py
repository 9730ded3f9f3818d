"""The catalogue a request reads: one snapshot image, its feeds' states and its search index, never changed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from core.image import Image
from core.snapshot import FeedState, image_of
from search.index import SearchIndex


@dataclass(frozen=True, slots=True, eq=False)
class Snapshot:
    version: int
    published_at: datetime | None
    ready: bool
    """The refresher had tried every platform's feed, or started from a catalogue it was given."""
    feeds: Mapping[str, FeedState]
    index: SearchIndex
    image: Image

    @classmethod
    def load(cls, image: Image) -> Snapshot:
        meta = image.meta
        feeds = {feed.slug: feed for feed in map(FeedState.from_json, meta["feeds"])}
        published_at = datetime.fromisoformat(meta["published_at"]) if meta.get("published_at") else None
        return cls(int(meta["version"]), published_at, bool(meta["ready"]) and bool(feeds), feeds,
                   SearchIndex(image), image)

    @classmethod
    def empty(cls) -> Snapshot:
        """What a process serves before the refresher's first image: no platform, not ready."""
        return cls.load(Image(image_of({}, {"version": 0, "ready": False, "feeds": []}).to_bytes()))

    @property
    def suspended(self) -> frozenset[str]:
        return frozenset(slug for slug, feed in self.feeds.items() if feed.suspended)
