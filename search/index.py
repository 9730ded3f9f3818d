"""The search index of one catalogue snapshot: text matching, filters, sorts, facets and cursors.

Built so that a request costs about the same at 100,000 listings as at 5,000. Each platform's listings are
tokenised once per feed refresh into an :class:`IndexPart`: a sorted vocabulary with, per word, the listings
holding it (so the words a search word is a prefix of are one contiguous run), and numeric columns. A
:class:`SearchIndex`, built on every refresh, only concatenates the parts and sorts a few arrays; a request is
then a handful of vectorised passes over numpy arrays, never Python code per listing.

A cursor is a position in the ordered result plus a digest of the courses before it (an order-independent hash
of their ids). A page asked for after the snapshot changed continues from that position when the courses before
it are still exactly those the client was shown, and is otherwise refused with a :class:`SearchError` (a course
added, removed or moved before the position would else be repeated or skipped without a word).
"""

from __future__ import annotations

import base64
import hashlib
from array import array
from bisect import bisect_left
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import chain, count
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson
from cachetools import LRUCache

from core.domain import OFFICIAL_CATEGORIES, OTHER_CATEGORY, LearningMethod, Listing, Provider
from core.identity import same_provider, title_key
from core.pacing import paced
from core.text import compact, fold, terms

Mask = npt.NDArray[np.bool_]
Docs = npt.NDArray[np.int32]
_Hashes = npt.NDArray[np.uint64]

_METHODS = tuple(LearningMethod)
MAX_SEARCH_WORDS = 32
_LISTINGS_PER_MS = 32
"""About what :meth:`IndexPart.of` tokenises in a millisecond: it runs in a worker thread, paced by that."""
_CATEGORY_CODES = {name.casefold(): code for code, name in enumerate(OFFICIAL_CATEGORIES)}
_COLUMNS = np.dtype([
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
    """What a course must match. ``None`` leaves a criterion out; so does an empty list."""

    search: str | None = None
    platforms: tuple[str, ...] | None = None
    categories: tuple[str, ...] | None = None
    methods: tuple[LearningMethod, ...] | None = None
    min_price: int | None = None
    max_price: int | None = None
    min_rating: float | None = None
    provider: str | None = None
    eligible_only: bool = False

    def fingerprint(self, sort: CourseSort) -> str:
        """Identifies filter and sort, so a cursor is only accepted by the query it came from."""
        raw = orjson.dumps([sort.value, *(getattr(self, f) for f in self.__slots__)])
        return hashlib.blake2b(raw, digest_size=6).hexdigest()


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
    """Which documents hold which word: a sorted vocabulary and, per word, a run of document numbers."""

    __slots__ = ("docs", "offsets", "vocabulary")

    def __init__(self, vocabulary: list[str] | None = None, word_ids: npt.NDArray[np.int32] | None = None,
                 lengths: npt.NDArray[np.int64] | None = None) -> None:
        """``word_ids`` numbers each document's words in the order of ``vocabulary``, document after document."""
        self.vocabulary = vocabulary or []
        word_ids = np.empty(0, np.int32) if word_ids is None else word_ids
        lengths = np.empty(0, np.int64) if lengths is None else lengths
        by_word = np.argsort(word_ids, kind="stable")
        self.docs: Docs = np.repeat(np.arange(len(lengths), dtype=np.int32), lengths)[by_word]
        counts = np.bincount(word_ids, minlength=len(self.vocabulary))
        self.offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)

    def with_prefix(self, prefix: str) -> Docs:
        """Documents holding a word that starts with ``prefix`` (a document may come more than once)."""
        low = bisect_left(self.vocabulary, prefix)
        high = bisect_left(self.vocabulary, prefix[:-1] + chr(ord(prefix[-1]) + 1), lo=low)
        return self.docs[self.offsets[low] : self.offsets[high]]


class _PostingsBuilder:
    """Collects documents' words one document at a time, keeping only numbers (no set per document)."""

    def __init__(self) -> None:
        self._number: dict[str, int] = {}
        # setdefault takes a number for every word seen, new or not: the numbers have gaps, but it all runs in C.
        self._numbers = count()
        self._ids = array("q")
        self._lengths = array("q")

    def add(self, words: Collection[str]) -> None:
        self._ids.extend(map(self._number.setdefault, words, self._numbers))
        self._lengths.append(len(words))

    def build(self) -> _Postings:
        vocabulary = sorted(self._number)
        renumber = np.zeros(next(self._numbers), dtype=np.int32)
        renumber[np.fromiter(map(self._number.__getitem__, vocabulary), np.int64, len(vocabulary))] = np.arange(
            len(vocabulary), dtype=np.int32
        )
        word_ids = renumber[np.frombuffer(self._ids, dtype=np.int64)]
        return _Postings(vocabulary, word_ids, np.frombuffer(self._lengths, dtype=np.int64))


@dataclass(frozen=True, slots=True, eq=False)
class IndexPart:
    """One platform's on-sale listings, tokenised once per feed refresh (in a worker thread).

    Build one with :meth:`of`; ``IndexPart((), (), ())`` is an empty part.
    """

    listings: tuple[Listing, ...]
    title_keys: tuple[str, ...]
    """Per listing, its title as course identity sees it (rules.md §5)."""
    providers: tuple[str, ...]
    """Per listing, its provider's name folded, for substring filtering."""
    text: _Postings = field(default_factory=_Postings)
    titles: _Postings = field(default_factory=_Postings)
    columns: npt.NDArray[np.void] = field(default_factory=lambda: np.empty(0, _COLUMNS))

    @classmethod
    def of(cls, listings: Iterable[Listing]) -> IndexPart:
        # One listing per id: a feed repeating an id would otherwise show the course twice.
        unique: dict[str, Listing] = {}
        for listing in listings:
            if not listing.is_bundle:
                unique.setdefault(listing.id, listing)
        on_sale = tuple(unique.values())
        # Titles, providers and syllabus modules repeat a lot across listings: each is tokenised once.
        known: dict[str, frozenset[str]] = {}

        def terms_of(text: str) -> frozenset[str]:
            found = known.get(text)
            if found is None:
                found = known[text] = frozenset(terms(text))
            return found

        text, titles = _PostingsBuilder(), _PostingsBuilder()
        for listing in paced(on_sale, _LISTINGS_PER_MS):
            title = terms_of(listing.title)
            titles.add(title)
            text.add(title.union(terms_of(listing.provider.name), *map(terms_of, listing.syllabus),
                                 terms(listing.description or "")))
        folded = {name: fold(name) for name in {listing.provider.name for listing in on_sale}}
        return cls(
            listings=on_sale,
            title_keys=tuple(title_key(listing.title) for listing in on_sale),
            providers=tuple(folded[listing.provider.name] for listing in on_sale),
            text=text.build(),
            titles=titles.build(),
            columns=np.fromiter(map(_column_values, on_sale), dtype=_COLUMNS, count=len(on_sale)),
        )


def _column_values(listing: Listing) -> tuple[Any, ...]:
    return (
        listing.price,
        listing.review_count,
        listing.rating.average if listing.rating else np.nan,
        _CATEGORY_CODES.get(listing.category.strip().casefold(), _CATEGORY_CODES[OTHER_CATEGORY.casefold()]),
        _METHODS.index(listing.method),
        not listing.provider.nib,
        not listing.syllabus,
        not listing.has_final_assessment,
        int.from_bytes(hashlib.blake2b(listing.id.encode(), digest_size=8).digest(), "little"),
    )


class SearchIndex:
    """Every on-sale course of a snapshot, numbered, with what searching, filtering and sorting them needs."""

    def __init__(self, parts: Sequence[IndexPart], platforms: Sequence[str]) -> None:
        self._parts = tuple(part for part in parts if part.listings)
        self.listings: tuple[Listing, ...] = tuple(chain.from_iterable(part.listings for part in self._parts))
        n = self.size = len(self.listings)
        self._starts = np.cumsum([0, *(len(part.listings) for part in self._parts)]).tolist()
        ids = [listing.id for listing in self.listings]
        self.by_id = dict(zip(ids, range(n), strict=True))

        # A listing of a platform not configured (yet) still counts, under its own slug.
        self.platforms = tuple(dict.fromkeys([*platforms, *(listing.platform for listing in self.listings)]))
        platform_code = {slug: code for code, slug in enumerate(self.platforms)}
        self.platform = np.fromiter((platform_code[listing.platform] for listing in self.listings), np.int16, n)

        columns = np.concatenate([part.columns for part in self._parts]) if self._parts else np.empty(0, _COLUMNS)
        self.price: npt.NDArray[np.int64] = np.ascontiguousarray(columns["price"])
        self.no_nib: Mask = np.ascontiguousarray(columns["no_nib"])
        self.no_syllabus: Mask = np.ascontiguousarray(columns["no_syllabus"])
        self.no_final_assessment: Mask = np.ascontiguousarray(columns["no_final_assessment"])
        self._rating: npt.NDArray[np.float64] = np.ascontiguousarray(columns["rating"])
        self._category = np.ascontiguousarray(columns["category"])
        self._method = np.ascontiguousarray(columns["method"])
        self._id_hash: _Hashes = np.ascontiguousarray(columns["id_hash"])

        self._by_title: dict[str, list[int]] = {}
        for doc, key in enumerate(chain.from_iterable(part.title_keys for part in self._parts)):
            self._by_title.setdefault(key, []).append(doc)
        providers = list(chain.from_iterable(part.providers for part in self._parts))
        self._provider_names = sorted(set(providers))
        provider_code = {name: code for code, name in enumerate(self._provider_names)}
        self._provider = np.fromiter(map(provider_code.__getitem__, providers), np.int32, n)

        self._orders = self._sort_orders(ids, np.ascontiguousarray(columns["reviews"]))
        self._word_masks: LRUCache[tuple[bool, str], Mask] = LRUCache(maxsize=128)
        self._provider_masks: LRUCache[str, Mask] = LRUCache(maxsize=64)

    def _sort_orders(self, ids: list[str], reviews: npt.NDArray[np.int64]) -> dict[CourseSort, Docs]:
        """Every listing in the order of each sort; ties broken by id, so pages never overlap."""
        by_id = np.empty(self.size, dtype=np.int32)
        by_id[sorted(range(self.size), key=ids.__getitem__)] = np.arange(self.size, dtype=np.int32)
        rated = ~np.isnan(self._rating)
        average = np.where(rated, self._rating, 0.0)
        orders = {
            CourseSort.PRICE_ASC: np.lexsort((by_id, self.price)),
            CourseSort.PRICE_DESC: np.lexsort((by_id, -self.price)),
            CourseSort.RATING_DESC: np.lexsort((by_id, -reviews, -average, ~rated)),
            CourseSort.POPULARITY_DESC: np.lexsort((by_id, -reviews)),
        }
        return {sort: order.astype(np.int32) for sort, order in orders.items()}

    # -- lookups ------------------------------------------------------------------------------------

    def get(self, course_id: str) -> Listing | None:
        doc = self.by_id.get(course_id)
        return None if doc is None else self.listings[doc]

    def same_course(self, title: str, provider: Provider) -> list[int]:
        """Documents of the course with this title and provider (rules.md §5), on any platform."""
        key = title_key(title)
        candidates = self._by_title.get(key, []) if key else []
        return [doc for doc in candidates if same_provider(self.listings[doc].provider, provider)]

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
        if flt.search and len(set(fold(flt.search).split())) > MAX_SEARCH_WORDS:
            # Each word costs a pass over its postings: a text of thousands of words would cost seconds.
            raise SearchError(f"the search text may hold at most {MAX_SEARCH_WORDS} different words")
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
        """The matching documents in the order of ``sort``."""
        words = fold(text).split()
        order = self._orders[CourseSort.POPULARITY_DESC if sort is CourseSort.RELEVANCE else sort]
        ranked = order[mask[order]]
        if sort is CourseSort.RELEVANCE and words:
            # 0: the whole title is the search text; 1: the title holds every word; 2: the rest.
            rank = np.full(self.size, 2, dtype=np.int8)
            rank[self._words_mask(words, titles=True)] = 1
            rank[self._by_title.get(compact(text), [])] = 0
            # A stable sort of small integers: within a rank, the popularity order stays.
            ranked = ranked[np.argsort(rank[ranked], kind="stable")]
        return ranked

    def _filter_mask(self, flt: CourseFilter, eligible: Mask | None) -> Mask:
        mask = np.ones(self.size, dtype=np.bool_)
        words = fold(flt.search).split() if flt.search else []
        if words:
            mask &= self._words_mask(words, titles=False)
        if flt.platforms:
            wanted = {slug.strip().casefold() for slug in flt.platforms}
            mask &= np.isin(self.platform, [code for code, slug in enumerate(self.platforms) if slug in wanted])
        if flt.categories:
            wanted = {name.strip().casefold() for name in flt.categories}
            mask &= np.isin(self._category, [code for name, code in _CATEGORY_CODES.items() if name in wanted])
        if flt.methods:
            mask &= np.isin(self._method, [_METHODS.index(method) for method in flt.methods])
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
                for part, start in zip(self._parts, self._starts, strict=False):
                    postings = part.titles if titles else part.text
                    cached[start : start + len(part.listings)][postings.with_prefix(word)] = True
                self._word_masks[(titles, word)] = cached
            mask &= cached
        return mask

    def _provider_mask(self, needle: str) -> Mask:
        folded = fold(needle)
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
            methods=counted(self._method, [method.value for method in _METHODS]),
        )


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
