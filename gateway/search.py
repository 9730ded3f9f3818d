"""The search index of one catalogue snapshot: text matching, filters, sorts, facets and cursors.

Built once per snapshot so that a request costs about the same at 100,000 listings as at 5,000: word
postings live in one sorted vocabulary (a prefix is a contiguous range of it), and filters, facets and
sort orders are numpy arrays over document numbers.

Cursors are keyset cursors: they carry the sort key of the last course shown, not a position, so a page
asked for after the snapshot changed continues right after that course: nothing is repeated or skipped.
"""

from __future__ import annotations

import base64
import hashlib
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson
from cachetools import LRUCache

from gateway.identity import same_provider, title_key
from gateway.text import fold
from gateway.types import OFFICIAL_CATEGORIES, LearningMethod, Listing, Provider

Mask = npt.NDArray[np.bool_]
Docs = npt.NDArray[np.int64]
SortKey = tuple[Any, ...]

_METHODS = tuple(LearningMethod)
_CATEGORY_CODES = {name.casefold(): code for code, name in enumerate(OFFICIAL_CATEGORIES)}
_PAST_EVERY_WORD = "\x7f"  # sorts after every folded character, so [prefix, prefix + this) is a prefix's range


class CourseSort(StrEnum):
    RELEVANCE = "RELEVANCE"
    PRICE_ASC = "PRICE_ASC"
    PRICE_DESC = "PRICE_DESC"
    RATING_DESC = "RATING_DESC"
    POPULARITY_DESC = "POPULARITY_DESC"


class SearchError(ValueError):
    """The client's arguments cannot be served (a bad or foreign cursor); the message says why."""


@dataclass(frozen=True, slots=True)
class CourseFilter:
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


@dataclass(frozen=True, slots=True)
class IndexPart:
    """One platform's on-sale listings with their words, tokenised once per feed refresh."""

    listings: tuple[Listing, ...]
    words: tuple[tuple[str, ...], ...]
    title_words: tuple[tuple[str, ...], ...]

    @classmethod
    def of(cls, listings: Iterable[Listing]) -> IndexPart:
        on_sale = tuple(listing for listing in listings if not listing.is_bundle)
        titles = tuple(tuple(dict.fromkeys(fold(listing.title).split())) for listing in on_sale)
        words = tuple(
            tuple({*title, *_searchable_words(listing)}) for listing, title in zip(on_sale, titles, strict=True)
        )
        return cls(on_sale, words, titles)


def _searchable_words(listing: Listing) -> set[str]:
    texts = [listing.provider.name, *listing.syllabus]
    if listing.description:
        texts.append(listing.description)
    return set(fold(" ".join(texts)).split())


class _Postings:
    """Which documents hold which word: a sorted vocabulary and, per word, a run of document numbers."""

    def __init__(self, doc_words: Sequence[Sequence[str]]) -> None:
        self.vocabulary = sorted({word for words in doc_words for word in words})
        number = {word: i for i, word in enumerate(self.vocabulary)}
        lengths = np.fromiter((len(words) for words in doc_words), dtype=np.int64, count=len(doc_words))
        word_ids = np.fromiter(
            (number[word] for words in doc_words for word in words), dtype=np.int64, count=int(lengths.sum())
        )
        doc_ids = np.repeat(np.arange(len(doc_words), dtype=np.int64), lengths)
        order = np.argsort(word_ids, kind="stable")
        self.docs: Docs = doc_ids[order]
        counts = np.bincount(word_ids, minlength=len(self.vocabulary))
        self.offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)

    def with_prefix(self, prefix: str) -> Docs:
        low = bisect_left(self.vocabulary, prefix)
        high = bisect_left(self.vocabulary, prefix + _PAST_EVERY_WORD, lo=low)
        return self.docs[self.offsets[low] : self.offsets[high]]


class SearchIndex:
    """Every on-sale course of a snapshot, numbered, with what searching, filtering and sorting them needs."""

    def __init__(self, parts: Sequence[IndexPart], platforms: Sequence[str]) -> None:
        self.listings: tuple[Listing, ...] = tuple(listing for part in parts for listing in part.listings)
        self.platforms = tuple(platforms)
        n = self.size = len(self.listings)
        self.by_id = {listing.id: doc for doc, listing in enumerate(self.listings)}
        self._text = _Postings([words for part in parts for words in part.words])
        self._titles = _Postings([words for part in parts for words in part.title_words])
        self._exact_titles: dict[str, list[int]] = {}
        for doc, listing in enumerate(self.listings):
            self._exact_titles.setdefault(title_key(listing.title), []).append(doc)

        platform_code = {slug: code for code, slug in enumerate(self.platforms)}
        self.platform = self._codes(platform_code[listing.platform] for listing in self.listings)
        self.category = self._codes(_CATEGORY_CODES[listing.category.casefold()] for listing in self.listings)
        self.method = self._codes(_METHODS.index(listing.method) for listing in self.listings)
        self.price = np.fromiter((listing.price for listing in self.listings), dtype=np.int64, count=n)
        self.reviews = np.fromiter((listing.review_count for listing in self.listings), dtype=np.int64, count=n)
        self.rating = np.fromiter(
            (listing.rating.average if listing.rating else np.nan for listing in self.listings), np.float64, n
        )
        self.no_nib = np.fromiter((not listing.provider.nib for listing in self.listings), np.bool_, n)
        self.no_syllabus = np.fromiter((not listing.syllabus for listing in self.listings), np.bool_, n)
        self.no_final_assessment = np.fromiter(
            (not listing.has_final_assessment for listing in self.listings), np.bool_, n
        )
        self.provider_names = sorted({fold(listing.provider.name) for listing in self.listings})
        provider_code = {name: code for code, name in enumerate(self.provider_names)}
        self.provider = self._codes(provider_code[fold(listing.provider.name)] for listing in self.listings)

        self._ids = [listing.id for listing in self.listings]
        id_rank = np.empty(n, dtype=np.int64)
        id_rank[sorted(range(n), key=self._ids.__getitem__)] = np.arange(n)
        unrated = np.isnan(self.rating)
        rating = np.nan_to_num(self.rating, nan=0.0)
        self._orders: dict[CourseSort, tuple[Docs, Callable[[int], SortKey]]] = {
            CourseSort.PRICE_ASC: (np.lexsort((id_rank, self.price)), self._price_key),
            CourseSort.PRICE_DESC: (np.lexsort((id_rank, -self.price)), self._price_desc_key),
            CourseSort.RATING_DESC: (np.lexsort((id_rank, -self.reviews, -rating, unrated)), self._rating_key),
            CourseSort.POPULARITY_DESC: (np.lexsort((id_rank, -self.reviews)), self._popularity_key),
        }
        popularity = self._orders[CourseSort.POPULARITY_DESC][0]
        self._popularity_rank = np.empty(n, dtype=np.int64)
        self._popularity_rank[popularity] = np.arange(n)
        self._word_masks: LRUCache[tuple[str, str], Mask] = LRUCache(maxsize=256)
        self._provider_masks: LRUCache[str, Mask] = LRUCache(maxsize=256)

    def _codes(self, values: Iterable[int]) -> npt.NDArray[np.int32]:
        return np.fromiter(values, dtype=np.int32, count=self.size)

    # -- sort keys: the Python form of each numpy order, for placing a cursor -------------------------

    def _price_key(self, doc: int) -> SortKey:
        return (int(self.price[doc]), self._ids[doc])

    def _price_desc_key(self, doc: int) -> SortKey:
        return (-int(self.price[doc]), self._ids[doc])

    def _popularity_key(self, doc: int) -> SortKey:
        return (-int(self.reviews[doc]), self._ids[doc])

    def _rating_key(self, doc: int) -> SortKey:
        rated = not np.isnan(self.rating[doc])
        average = float(self.rating[doc]) if rated else 0.0
        return (0 if rated else 1, -average, -int(self.reviews[doc]), self._ids[doc])

    # -- lookups ------------------------------------------------------------------------------------

    def get(self, course_id: str) -> Listing | None:
        doc = self.by_id.get(course_id)
        return None if doc is None else self.listings[doc]

    def same_course(self, title: str, provider: Provider) -> list[int]:
        """Documents of the course with this title and provider (rules.md §5), on any platform."""
        candidates = self._exact_titles.get(title_key(title), [])
        return [doc for doc in candidates if same_provider(self.listings[doc].provider, provider)]

    def other_offers(self, listing: Listing) -> list[Listing]:
        """The same course on other platforms, cheapest first."""
        offers = [
            self.listings[doc]
            for doc in self.same_course(listing.title, listing.provider)
            if self.listings[doc].platform != listing.platform
        ]
        return sorted(offers, key=lambda offer: (offer.price, offer.id))

    def course_counts(self) -> dict[str, int]:
        counts = np.bincount(self.platform, minlength=len(self.platforms))
        return {slug: int(count) for slug, count in zip(self.platforms, counts, strict=True)}

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
        cursor = _decode_cursor(after, fingerprint) if after else None
        mask = self._filter_mask(flt, eligible)
        query_words = fold(flt.search).split() if flt.search else []
        if sort is CourseSort.RELEVANCE and query_words:
            docs, keys = self._relevance_page(mask, query_words, flt.search or "", cursor, first + 1)
        else:
            order, key = self._orders[CourseSort.POPULARITY_DESC if sort is CourseSort.RELEVANCE else sort]
            start = 0 if cursor is None else self._place(order, key, cursor)
            tail = order[start:]
            docs = tail[mask[tail]][: first + 1]
            keys = [key(int(doc)) for doc in docs[:first]]
        shown = [int(doc) for doc in docs[:first]]
        return SearchPage(
            listings=tuple(self.listings[doc] for doc in shown),
            cursors=tuple(_encode_cursor(fingerprint, k) for k in keys),
            has_next=len(docs) > first,
            total=int(np.count_nonzero(mask)),
            facets=self._facets(mask),
        )

    @staticmethod
    def _place(order: Docs, key: Callable[[int], SortKey], cursor: SortKey) -> int:
        try:
            return bisect_right(order, cursor, key=lambda doc: key(int(doc)))
        except TypeError:
            raise SearchError("the cursor does not fit this query; start again without 'after'") from None

    def _relevance_page(
        self, mask: Mask, query_words: list[str], text: str, cursor: SortKey | None, limit: int
    ) -> tuple[Docs, list[SortKey]]:
        # Rank 0: the whole title is the search text; 1: the title holds every word; 2: the rest.
        docs = np.flatnonzero(mask)
        rank = np.full(self.size, 2, dtype=np.int64)
        in_title = self._all_words_mask(self._titles, query_words, "title")
        rank[in_title] = 1
        rank[self._exact_titles.get(fold(text), [])] = 0
        composite = rank[docs] * max(self.size, 1) + self._popularity_rank[docs]
        if cursor is not None:
            text_rank, *popularity = cursor
            order, key = self._orders[CourseSort.POPULARITY_DESC]
            if not isinstance(text_rank, int):
                raise SearchError("the cursor does not fit this query; start again without 'after'")
            threshold = text_rank * max(self.size, 1) + self._place(order, key, tuple(popularity))
            keep = composite >= threshold
            docs, composite = docs[keep], composite[keep]
        if len(docs) > limit:
            nearest = np.argpartition(composite, limit - 1)[:limit]
            docs, composite = docs[nearest], composite[nearest]
        docs = docs[np.argsort(composite, kind="stable")]
        keys = [(int(rank[doc]), *self._popularity_key(int(doc))) for doc in docs[: limit - 1]]
        return docs, keys

    def _filter_mask(self, flt: CourseFilter, eligible: Mask | None) -> Mask:
        mask = np.ones(self.size, dtype=np.bool_)
        if flt.search:
            words = fold(flt.search).split()
            if words:
                mask &= self._all_words_mask(self._text, words, "text")
        if flt.platforms is not None:
            codes = [self.platforms.index(slug) for slug in flt.platforms if slug in self.platforms]
            mask &= np.isin(self.platform, codes)
        if flt.categories is not None:
            codes = [_CATEGORY_CODES[c.strip().casefold()] for c in flt.categories if c.strip().casefold() in
                     _CATEGORY_CODES]
            mask &= np.isin(self.category, codes)
        if flt.methods is not None:
            mask &= np.isin(self.method, [_METHODS.index(m) for m in flt.methods])
        if flt.min_price is not None:
            mask &= self.price >= flt.min_price
        if flt.max_price is not None:
            mask &= self.price <= flt.max_price
        if flt.min_rating is not None:
            mask &= self.rating >= flt.min_rating  # NaN (unrated) compares false: left out
        if flt.provider is not None:
            mask &= self._provider_mask(flt.provider)
        if flt.eligible_only:
            if eligible is None:
                raise ValueError("eligible_only needs the eligibility mask")
            mask &= eligible
        return mask

    def _all_words_mask(self, postings: _Postings, words: list[str], field: str) -> Mask:
        mask = np.ones(self.size, dtype=np.bool_)
        for word in dict.fromkeys(words):
            cached = self._word_masks.get((field, word))
            if cached is None:
                cached = np.zeros(self.size, dtype=np.bool_)
                cached[postings.with_prefix(word)] = True
                self._word_masks[(field, word)] = cached
            mask &= cached
        return mask

    def _provider_mask(self, needle: str) -> Mask:
        folded = fold(needle)
        cached = self._provider_masks.get(folded)
        if cached is None:
            codes = [code for code, name in enumerate(self.provider_names) if folded in name]
            cached = self._provider_masks[folded] = np.isin(self.provider, codes)
        return cached

    def _facets(self, mask: Mask) -> Facets:
        def count(codes: npt.NDArray[np.int32], names: Sequence[str]) -> tuple[tuple[str, int], ...]:
            tally = np.bincount(codes[mask], minlength=len(names))
            pairs = [(names[code], int(n)) for code, n in enumerate(tally) if n]
            return tuple(sorted(pairs, key=lambda pair: (-pair[1], pair[0])))

        return Facets(
            platforms=count(self.platform, self.platforms),
            categories=count(self.category, OFFICIAL_CATEGORIES),
            methods=count(self.method, [m.value for m in _METHODS]),
        )


def _encode_cursor(fingerprint: str, key: SortKey) -> str:
    return base64.urlsafe_b64encode(orjson.dumps([fingerprint, *key])).decode().rstrip("=")


def _decode_cursor(cursor: str, fingerprint: str) -> SortKey:
    try:
        decoded = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, orjson.JSONDecodeError):
        raise SearchError("'after' is not a cursor this API gave out") from None
    if not isinstance(decoded, list) or len(decoded) < 2 or decoded[0] != fingerprint:
        raise SearchError("the cursor belongs to another filter or sort; start again without 'after'")
    key = tuple(decoded[1:])
    if not all(isinstance(part, int | float | str) and not isinstance(part, bool) for part in key):
        raise SearchError("'after' is not a cursor this API gave out")
    return key
