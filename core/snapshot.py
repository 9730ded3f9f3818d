"""What a catalogue snapshot holds, as the refresher writes it and the servers read it: feed states, listings,
and the arrays that searching them needs, in one :class:`core.image.Image`.

Per platform part: a sorted vocabulary with, per word, the documents holding it (so the words a search word is a
prefix of are one contiguous run), for the whole text and for titles alone. Per listing: its numeric columns, its
platform and provider codes, its encoded listing, and its position in each sort order. Lookups by id and by course
identity are sorted hashes with the documents they point at.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from itertools import chain
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson

from core.domain import OFFICIAL_CATEGORIES, LearningMethod, Listing, PlatformStatus, Provider, Rating
from core.feed_report import FeedReport
from core.image import ImageWriter


@dataclass(frozen=True, slots=True)
class FeedState:
    """What the deployment knows of one platform's feed, as of one snapshot."""

    slug: str
    name: str
    suspended: bool
    courses: int = 0
    skipped: int = 0
    last_success_at: datetime | None = None
    last_attempt_at: datetime | None = None
    last_error: str | None = None
    attempted: bool = False
    report: FeedReport | None = None
    """The accounting of the latest refresh, failed or not: what ``check-feed`` would say of the feed now."""

    def status(self, now: datetime, stale_after_s: float) -> PlatformStatus:
        if self.suspended:
            return PlatformStatus.SUSPENDED
        if self.last_success_at is None:
            return PlatformStatus.DOWN
        if self.last_error is not None or (now - self.last_success_at).total_seconds() > stale_after_s:
            return PlatformStatus.STALE
        return PlatformStatus.OK

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FeedState:
        times = {key: datetime.fromisoformat(data[key]) if data.get(key) else None
                 for key in ("last_success_at", "last_attempt_at")}
        report = FeedReport.from_json(data["report"]) if data.get("report") else None
        return cls(**{**data, **times, "report": report})


def listing_to_json(listing: Listing) -> bytes:
    rating = listing.rating
    return orjson.dumps([
        listing.platform, listing.listing_id, listing.title, listing.description, listing.provider.name,
        listing.provider.nib, listing.price, listing.category, listing.method.value, listing.duration_hours,
        None if rating is None else [rating.average, rating.count], listing.syllabus, listing.has_final_assessment,
        listing.url, listing.is_bundle,
    ])


def listing_from_json(raw: bytes) -> Listing:
    (platform, listing_id, title, description, provider, nib, price, category, method, duration, rating, syllabus,
     final_assessment, url, is_bundle) = orjson.loads(raw)
    return Listing(
        platform=platform, listing_id=listing_id, title=title, description=description,
        provider=Provider(provider, nib), price=price, category=category, method=LearningMethod(method),
        duration_hours=duration, rating=None if rating is None else Rating(*rating), syllabus=tuple(syllabus),
        has_final_assessment=final_assessment, url=url, is_bundle=is_bundle,
    )


# -- the catalogue's arrays: written by the refresher, searched by the servers ---------------------------------

METHODS = tuple(LearningMethod)
CATEGORY_CODES = {name.casefold(): code for code, name in enumerate(OFFICIAL_CATEGORIES)}
COLUMNS = np.dtype([
    ("price", np.int64),
    ("reviews", np.int64),
    ("rating", np.float64),  # NaN when unrated
    ("category", np.int8),
    ("method", np.int8),
    ("no_nib", np.bool_),
    ("no_syllabus", np.bool_),
    ("no_final_assessment", np.bool_),
    ("id_hash", np.uint64),
])
SORTS = ("PRICE_ASC", "PRICE_DESC", "RATING_DESC", "POPULARITY_DESC")
"""The orders stored in an image (RELEVANCE is popularity reordered by rank at query time)."""


WORD_BYTES = 64
"""The longest word the prefix index tells apart: a longer one is kept by its first 64 bytes of UTF-8 (whose byte
order is the order of code points, so the vocabulary stays sorted)."""


def text_hash(text: str) -> int:
    """The 64-bit hash by which an image looks up ids and course titles."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")


@dataclass(frozen=True, slots=True)
class Postings:
    """Which documents hold which word: a sorted vocabulary and, per word, a run of document numbers."""

    vocabulary: list[str] = field(default_factory=list)
    docs: npt.NDArray[np.int32] = field(default_factory=lambda: np.empty(0, np.int32))
    offsets: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(1, np.int64))


@dataclass(frozen=True, slots=True, eq=False)
class IndexPart:
    """One platform's on-sale listings, tokenised once per feed change. Build one with :meth:`of`."""

    listings: tuple[Listing, ...] = ()
    encoded: tuple[bytes, ...] = ()
    title_keys: tuple[str, ...] = ()
    providers: tuple[str, ...] = ()
    """Per listing, its provider's name folded, for substring filtering."""
    text: Postings = field(default_factory=Postings)
    titles: Postings = field(default_factory=Postings)
    columns: npt.NDArray[np.void] = field(default_factory=lambda: np.empty(0, COLUMNS))


def image_of(parts: Mapping[str, IndexPart], meta: Mapping[str, Any]) -> ImageWriter:
    """Every part (keyed by platform slug, in the platforms' order) as one image; ``meta`` rides in its header."""
    image = ImageWriter(meta)
    listed = [(slug, part) for slug, part in parts.items() if part.listings]
    listings = list(chain.from_iterable(part.listings for _, part in listed))
    n = len(listings)
    # A listing of a platform not configured (yet) still counts, under its own slug.
    platforms = list(dict.fromkeys([*parts, *(listing.platform for listing in listings)]))
    platform_code = {slug: code for code, slug in enumerate(platforms)}
    image.array("platform", [platform_code[listing.platform] for listing in listings], np.int16)

    columns = np.concatenate([part.columns for _, part in listed]) if listed else np.empty(0, COLUMNS)
    for name in COLUMNS.names or ():
        image.array(name, columns[name])
    providers = list(chain.from_iterable(part.providers for _, part in listed))
    provider_names = sorted(set(providers))
    provider_code = {name: code for code, name in enumerate(provider_names)}
    image.array("provider", [provider_code[name] for name in providers], np.int32)
    image.strings("listings", chain.from_iterable(part.encoded for _, part in listed))

    ids = [listing.id for listing in listings]
    for sort, order in _sort_orders(ids, columns).items():
        image.array(f"order.{sort}", order, np.int32)
    _lookup(image, "by_id", columns["id_hash"], range(n))
    keyed = [(doc, key) for doc, key in enumerate(chain.from_iterable(p.title_keys for _, p in listed)) if key]
    _lookup(image, "by_title", [text_hash(key) for _, key in keyed], [doc for doc, _ in keyed])

    starts = []
    start = 0
    for i, (_, part) in enumerate(listed):
        starts.append(start)
        start += len(part.listings)
        for kind, postings in (("text", part.text), ("titles", part.titles)):
            image.array(f"{kind}.{i}.words", [word.encode()[:WORD_BYTES] for word in postings.vocabulary], np.bytes_)
            image.array(f"{kind}.{i}.docs", postings.docs, np.int32)
            image.array(f"{kind}.{i}.offsets", postings.offsets, np.int64)
    image.meta.update(size=n, platforms=platforms, providers=provider_names, part_starts=starts)
    return image


def _sort_orders(ids: Sequence[str], columns: npt.NDArray[np.void]) -> dict[str, npt.NDArray[np.intp]]:
    """Every listing in the order of each sort; ties broken by id, so pages never overlap."""
    n = len(ids)
    by_id = np.empty(n, dtype=np.int32)
    by_id[sorted(range(n), key=ids.__getitem__)] = np.arange(n, dtype=np.int32)
    price, reviews, rating = columns["price"], columns["reviews"], columns["rating"]
    rated = ~np.isnan(rating)
    average = np.where(rated, rating, 0.0)
    return {
        "PRICE_ASC": np.lexsort((by_id, price)),
        "PRICE_DESC": np.lexsort((by_id, -price)),
        "RATING_DESC": np.lexsort((by_id, -reviews, -average, ~rated)),
        "POPULARITY_DESC": np.lexsort((by_id, -reviews)),
    }


def _lookup(image: ImageWriter, name: str, hashes: npt.ArrayLike, docs: Iterable[int]) -> None:
    """Hashes sorted, with the document each belongs to: a lookup is a binary search."""
    keys = np.asarray(hashes, dtype=np.uint64)
    targets = np.fromiter(docs, dtype=np.int32, count=len(keys))
    order = np.argsort(keys, kind="stable")
    image.array(f"{name}.hashes", keys[order])
    image.array(f"{name}.docs", targets[order])
