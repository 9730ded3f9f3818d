"""The search index of one catalogue snapshot: text matching, filters, sorts, facets and cursors.

It reads the snapshot's image in place (see :mod:`refresher.indexing` for what the refresher writes): a request is a
handful of vectorised passes over numpy views of it, never Python code per listing, so a request costs about the
same at 100,000 listings as at 5,000; only the listings a page shows are decoded.

A cursor is a position in the ordered result plus a digest of the courses before it (an order-independent hash
of their ids). A page asked for after the snapshot changed continues from that position when the courses before
it are still exactly those the client was shown, and is otherwise refused with a :class:`SearchError` (a course
added, removed or moved before the position would else be repeated or skipped without a word).
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, overload

import numpy as np
import numpy.typing as npt
import orjson
from cachetools import LRUCache

from core.domain import OFFICIAL_CATEGORIES, LearningMethod, Listing, Provider
from core.identity import same_provider, title_key
from core.image import Image
from core.snapshot import CATEGORY_CODES, METHODS, SORTS, WORD_BYTES, listing_from_json, text_hash
from core.text import fold

Mask = npt.NDArray[np.bool_]
Docs = npt.NDArray[np.int32]
_Hashes = npt.NDArray[np.uint64]

MAX_SEARCH_WORDS = 32
MAX_TEXT_CHARS = 1024
"""The longest search or provider text, before and after folding (real titles reach 270 characters)."""
DECODED_LISTINGS = 4096
"""Listings kept decoded per snapshot: many pages' worth, a few megabytes."""


class CourseSort(StrEnum):
    RELEVANCE = "RELEVANCE"
    PRICE_ASC = "PRICE_ASC"
    PRICE_DESC = "PRICE_DESC"
    RATING_DESC = "RATING_DESC"
    POPULARITY_DESC = "POPULARITY_DESC"


class SearchError(ValueError):
    """The client's arguments cannot be served (a bad, foreign or outdated cursor); the message says why."""


@dataclass(frozen=True, slots=True)
class CourseFilter:
    """What a course must match. ``None`` leaves a criterion out; so does an empty list or a blank text.

    Normalised when made, once per request: the texts folded (refused with a :class:`SearchError` when too long),
    the slugs and category names folded to their case, empty criteria ``None``. So equal criteria are equal
    filters, and a cursor given under ``platforms: []`` is accepted without the filter.
    """

    search: str | None = None
    platforms: tuple[str, ...] | None = None
    categories: tuple[str, ...] | None = None
    methods: tuple[LearningMethod, ...] | None = None
    min_price: int | None = None
    max_price: int | None = None
    min_rating: float | None = None
    provider: str | None = None
    eligible_only: bool = False

    def __post_init__(self) -> None:
        search = _folded(self.search, "search") if self.search else None
        if search and len(set(search.split())) > MAX_SEARCH_WORDS:
            # Each word costs a pass over its postings: a text of thousands of words would cost seconds.
            raise SearchError(f"the search text may hold at most {MAX_SEARCH_WORDS} different words")
        normal = {
            "search": search or None,
            "provider": _folded(self.provider, "provider") or None if self.provider is not None else None,
            "platforms": _names(self.platforms),
            "categories": _names(self.categories),
            "methods": tuple(sorted(set(self.methods))) if self.methods else None,
        }
        for name, value in normal.items():
            object.__setattr__(self, name, value)

    def fingerprint(self, sort: CourseSort) -> str:
        """Identifies filter and sort, so a cursor is only accepted by the query it came from."""
        # ASCII JSON: a lone surrogate in a text is escaped, where UTF-8 has no way to say it.
        raw = json.dumps([sort.value, *(getattr(self, f) for f in self.__slots__)], ensure_ascii=True)
        return hashlib.blake2b(raw.encode(), digest_size=6).hexdigest()


def _folded(text: str, what: str) -> str:
    """``text`` folded; refused when longer than :data:`MAX_TEXT_CHARS` before or after folding, as folding can
    multiply a text's length (U+FDFA is 18 letters), and its cost with it."""
    folded = fold(text) if len(text) <= MAX_TEXT_CHARS else None
    if folded is None or len(folded) > MAX_TEXT_CHARS:
        raise SearchError(f"the {what} text may hold at most {MAX_TEXT_CHARS} characters")
    return folded


def _names(names: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """Slugs or category names as they are matched: case and surrounding space ignored, each once."""
    return tuple(sorted({name.strip().casefold() for name in names})) if names else None


@dataclass(frozen=True, slots=True)
class Facets:
    platforms: tuple[tuple[str, int], ...]
    categories: tuple[tuple[str, int], ...]
    methods: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class SearchPage:
    listings: tuple[Listing, ...]
    cursors: tuple[str, ...]
    has_next: bool
    total: int
    facets: Facets


class _Postings:
    """Which documents of one part hold which word: a sorted vocabulary and, per word, a run of documents."""

    __slots__ = ("docs", "offsets", "vocabulary")

    def __init__(self, image: Image, name: str) -> None:
        self.vocabulary: npt.NDArray[np.bytes_] = image.array(f"{name}.words")
        self.docs: Docs = image.array(f"{name}.docs")
        self.offsets: npt.NDArray[np.int64] = image.array(f"{name}.offsets")

    def with_prefix(self, prefix: str) -> Docs:
        """Documents holding a word that starts with ``prefix`` (a document may come more than once)."""
        key = prefix.encode()[:WORD_BYTES]
        if len(key) > self.vocabulary.dtype.itemsize:  # longer than every word: no word starts with it
            return self.docs[:0]
        # A UTF-8 byte is never 0xFF, so the key's last byte plus one bounds every word that starts with the key.
        low, high = np.searchsorted(self.vocabulary, [key, key[:-1] + bytes([key[-1] + 1])]).tolist()
        docs: Docs = self.docs[self.offsets[low] : self.offsets[high]]
        return docs


class _Listings(Sequence[Listing]):
    """The snapshot's listings, each decoded when first read."""

    def __init__(self, image: Image, cache_size: int) -> None:
        self._encoded = image.strings("listings")
        self._decoded: LRUCache[int, Listing] = LRUCache(maxsize=cache_size)

    def __len__(self) -> int:
        return len(self._encoded)

    @overload
    def __getitem__(self, doc: int) -> Listing: ...
    @overload
    def __getitem__(self, doc: slice) -> Sequence[Listing]: ...
    def __getitem__(self, doc: int | slice) -> Listing | Sequence[Listing]:
        if isinstance(doc, slice):
            return [self[i] for i in range(*doc.indices(len(self)))]
        listing = self._decoded.get(doc)
        if listing is None:
            listing = self._decoded[doc] = listing_from_json(self._encoded.raw(doc))
        return listing


class SearchIndex:
    """Every on-sale course of a snapshot, numbered, with what searching, filtering and sorting them needs."""

    def __init__(self, image: Image) -> None:
        meta = image.meta
        n = self.size = int(meta["size"])
        self.listings = _Listings(image, cache_size=DECODED_LISTINGS)
        self.platforms: tuple[str, ...] = tuple(meta["platforms"])
        self.platform = image.array("platform")
        self.price: npt.NDArray[np.int64] = image.array("price")
        self.no_nib: Mask = image.array("no_nib")
        self.no_syllabus: Mask = image.array("no_syllabus")
        self.no_final_assessment: Mask = image.array("no_final_assessment")
        self._rating: npt.NDArray[np.float64] = image.array("rating")
        self._category = image.array("category")
        self._method = image.array("method")
        self._id_hash: _Hashes = image.array("id_hash")
        self._provider = image.array("provider")
        self._provider_names: list[str] = meta["providers"]
        self._orders = {CourseSort(sort): image.array(f"order.{sort}") for sort in SORTS}
        self._by_id = (image.array("by_id.hashes"), image.array("by_id.docs"))
        self._by_title = (image.array("by_title.hashes"), image.array("by_title.docs"))
        starts: list[int] = meta["part_starts"]
        self._parts = [
            (start, end, _Postings(image, f"text.{i}"), _Postings(image, f"titles.{i}"))
            for i, (start, end) in enumerate(zip(starts, [*starts[1:], n][: len(starts)], strict=True))
        ]
        self._word_masks: LRUCache[tuple[bool, str], Mask] = LRUCache(maxsize=128)
        self._provider_masks: LRUCache[str, Mask] = LRUCache(maxsize=64)

    # -- lookups ------------------------------------------------------------------------------------

    def doc_of(self, course_id: str) -> int | None:
        for doc in _looked_up(self._by_id, course_id):
            if self.listings[doc].id == course_id:
                return doc
        return None

    def get(self, course_id: str) -> Listing | None:
        doc = self.doc_of(course_id)
        return None if doc is None else self.listings[doc]

    def same_course(self, title: str, provider: Provider) -> list[int]:
        """Documents of the course with this title and provider (rules.md §5), on any platform."""
        key = title_key(title)
        if not key:
            return []
        return [doc for doc in self._titled(key) if same_provider(self.listings[doc].provider, provider)]

    def _titled(self, key: str) -> list[int]:
        """Documents whose title is ``key`` as course identity sees it (a hash may collide: each is checked)."""
        return [doc for doc in _looked_up(self._by_title, key) if title_key(self.listings[doc].title) == key]

    def other_offers(self, listing: Listing) -> list[Listing]:
        """The same course on other platforms, cheapest first."""
        offers = [
            self.listings[doc]
            for doc in self.same_course(listing.title, listing.provider)
            if self.listings[doc].platform != listing.platform
        ]
        return sorted(offers, key=lambda offer: (offer.price, offer.id))

    # -- searching ----------------------------------------------------------------------------------

    def search(
        self,
        flt: CourseFilter,
        sort: CourseSort,
        first: int,
        after: str | None = None,
        eligible: Mask | None = None,
    ) -> SearchPage:
        """One page of the courses matching ``flt``; ``eligible`` is required with ``eligible_only``."""
        fingerprint = flt.fingerprint(sort)
        start, digest = _decode_cursor(after, fingerprint) if after else (0, 0)
        mask = self._filter_mask(flt, eligible)
        ranked = self._ranked(mask, flt.search or "", sort)
        if start > len(ranked) or _digest(self._id_hash[ranked[:start]]) != digest:
            raise SearchError(
                "the courses before this cursor changed since it was given out; start again without 'after'"
            )
        shown = ranked[start : start + first]
        digests = np.bitwise_xor.accumulate(self._id_hash[shown]) ^ np.uint64(digest)
        return SearchPage(
            listings=tuple(self.listings[doc] for doc in shown.tolist()),
            cursors=tuple(
                _encode_cursor(fingerprint, position, int(d))
                for position, d in enumerate(digests.tolist(), start=start + 1)
            ),
            has_next=start + first < len(ranked),
            total=len(ranked),
            facets=self._facets(mask),
        )

    def _ranked(self, mask: Mask, text: str, sort: CourseSort) -> Docs:
        """The matching documents in the order of ``sort``; ``text`` is the filter's, already folded."""
        words = text.split()
        order: Docs = self._orders[CourseSort.POPULARITY_DESC if sort is CourseSort.RELEVANCE else sort]
        ranked: Docs = order[mask[order]]
        if sort is CourseSort.RELEVANCE and words:
            # 0: the whole title is the search text; 1: the title holds every word; 2: the rest.
            rank = np.full(self.size, 2, dtype=np.int8)
            rank[self._words_mask(words, titles=True)] = 1
            key = text.replace(" ", "")  # title_key() of the folded text
            rank[self._titled(key)] = 0
            # A stable sort of small integers: within a rank, the popularity order stays.
            ranked = ranked[np.argsort(rank[ranked], kind="stable")]
        return ranked

    def _filter_mask(self, flt: CourseFilter, eligible: Mask | None) -> Mask:
        mask = np.ones(self.size, dtype=np.bool_)
        if flt.search:
            mask &= self._words_mask(flt.search.split(), titles=False)
        if flt.platforms:
            wanted = set(flt.platforms)
            mask &= np.isin(self.platform, [code for code, slug in enumerate(self.platforms) if slug in wanted])
        if flt.categories:
            wanted = set(flt.categories)
            mask &= np.isin(self._category, [code for name, code in CATEGORY_CODES.items() if name in wanted])
        if flt.methods:
            mask &= np.isin(self._method, [METHODS.index(method) for method in flt.methods])
        if flt.min_price is not None:
            mask &= self.price >= flt.min_price
        if flt.max_price is not None:
            mask &= self.price <= flt.max_price
        if flt.min_rating is not None:
            mask &= self._rating >= flt.min_rating  # NaN (unrated) compares false: left out
        if flt.provider is not None:
            mask &= self._provider_mask(flt.provider)
        if flt.eligible_only:
            if eligible is None:
                raise ValueError("eligible_only needs the eligibility mask")
            mask &= eligible
        return mask

    def _words_mask(self, words: list[str], *, titles: bool) -> Mask:
        """Documents where every word starts a word of the text (or of the title alone)."""
        mask = np.ones(self.size, dtype=np.bool_)
        for word in dict.fromkeys(words):
            cached = self._word_masks.get((titles, word))
            if cached is None:
                cached = np.zeros(self.size, dtype=np.bool_)
                for start, end, text, title in self._parts:
                    cached[start:end][(title if titles else text).with_prefix(word)] = True
                self._word_masks[(titles, word)] = cached
            mask &= cached
        return mask

    def _provider_mask(self, folded: str) -> Mask:
        cached = self._provider_masks.get(folded)
        if cached is None:
            codes = [code for code, name in enumerate(self._provider_names) if folded in name]
            cached = self._provider_masks[folded] = np.isin(self._provider, codes)
        return cached

    def _facets(self, mask: Mask) -> Facets:
        def counted(codes: npt.NDArray[np.integer[Any]], names: Sequence[str]) -> tuple[tuple[str, int], ...]:
            tally = np.bincount(codes[mask], minlength=len(names))
            pairs = [(names[code], n) for code, n in enumerate(tally.tolist()) if n]
            return tuple(sorted(pairs, key=lambda pair: (-pair[1], pair[0])))

        return Facets(
            platforms=counted(self.platform, self.platforms),
            categories=counted(self._category, OFFICIAL_CATEGORIES),
            methods=counted(self._method, [method.value for method in METHODS]),
        )


def _looked_up(lookup: tuple[_Hashes, Docs], key: str) -> list[int]:
    """The documents stored under ``key``'s hash (a hash may collide: callers check the document)."""
    hashes, docs = lookup
    wanted = np.uint64(text_hash(key))
    low = int(np.searchsorted(hashes, wanted, side="left"))
    high = int(np.searchsorted(hashes, wanted, side="right"))
    found: list[int] = docs[low:high].tolist()
    return found


def _digest(hashes: _Hashes) -> int:
    return int(np.bitwise_xor.reduce(hashes)) if len(hashes) else 0


def _encode_cursor(fingerprint: str, position: int, digest: int) -> str:
    raw = orjson.dumps([fingerprint, position, f"{digest:016x}"])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str, fingerprint: str) -> tuple[int, int]:
    """The position and digest a cursor carries."""
    try:
        decoded = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        given, position, digest = decoded
        if not (isinstance(given, str) and type(position) is int and position >= 0 and isinstance(digest, str)):
            raise ValueError
        value = int(digest, 16)
    except (ValueError, TypeError):  # orjson.JSONDecodeError and binascii.Error are ValueErrors
        raise SearchError("'after' is not a cursor this API gave out") from None
    if given != fingerprint:
        raise SearchError("the cursor belongs to another filter or sort; start again without 'after'")
    return position, value
