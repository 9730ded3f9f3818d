"""The spec's search (README "Search", schema.graphql) read literally, one listing at a time: the brute force
the index is checked against. Slow on purpose: no index, no numpy, no cleverness.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from functools import cache

from core.domain import OFFICIAL_CATEGORIES, OTHER_CATEGORY, Listing
from core.text import compact, fold, terms
from search.index import CourseFilter, CourseSort


@cache
def course_terms(listing: Listing) -> frozenset[str]:
    texts = [listing.title, listing.provider.name, *listing.syllabus, listing.description or ""]
    return frozenset().union(*map(terms, texts))


@cache
def title_terms(listing: Listing) -> frozenset[str]:
    return frozenset(terms(listing.title))


def holds_every_word(words: Sequence[str], course_words: Collection[str]) -> bool:
    return all(any(word.startswith(search_word) for word in course_words) for search_word in words)


def official(category: str) -> str:
    return next((c for c in OFFICIAL_CATEGORIES if c.casefold() == category.strip().casefold()), OTHER_CATEGORY)


def matches(listing: Listing, flt: CourseFilter, eligible: Collection[str]) -> bool:
    words = fold(flt.search or "").split()
    checks = [
        holds_every_word(words, course_terms(listing)),
        not flt.platforms or listing.platform in {p.casefold() for p in flt.platforms},
        not flt.categories or official(listing.category).casefold() in {c.strip().casefold() for c in flt.categories},
        not flt.methods or listing.method in flt.methods,
        flt.min_price is None or listing.price >= flt.min_price,
        flt.max_price is None or listing.price <= flt.max_price,
        flt.min_rating is None or (listing.rating is not None and listing.rating.average >= flt.min_rating),
        flt.provider is None or fold(flt.provider) in fold(listing.provider.name),
        not flt.eligible_only or listing.id in eligible,
    ]
    return all(checks)


def sort_key(listing: Listing, flt: CourseFilter, sort: CourseSort) -> tuple[object, ...]:
    reviews = listing.review_count
    if sort is CourseSort.RELEVANCE:
        words = fold(flt.search or "").split()
        if not words or compact(listing.title) == compact(flt.search or ""):
            rank = 0
        elif holds_every_word(words, title_terms(listing)):
            rank = 1
        else:
            rank = 2
        return (rank, -reviews, listing.id)
    if sort is CourseSort.PRICE_ASC:
        return (listing.price, listing.id)
    if sort is CourseSort.PRICE_DESC:
        return (-listing.price, listing.id)
    if sort is CourseSort.RATING_DESC:
        rating = listing.rating
        return (rating is None, -(rating.average if rating else 0), -reviews, listing.id)
    return (-reviews, listing.id)


def expected(listings: Iterable[Listing], flt: CourseFilter, sort: CourseSort,
             eligible: Collection[str] = ()) -> list[Listing]:
    found = [listing for listing in listings if matches(listing, flt, eligible)]
    return sorted(found, key=lambda listing: sort_key(listing, flt, sort))


def facet(values: Iterable[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(Counter(values).items(), key=lambda pair: (-pair[1], pair[0])))
