"""The search index against the spec (README "Search", schema.graphql).

Matching and ranking are shown on the real Skills Week titles; every filter, sort, facet, total and cursor is
checked against a brute-force reading of the spec over the same snapshot, for many seeded random filters.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from itertools import pairwise

import numpy as np
import pytest

from core.domain import OFFICIAL_CATEGORIES, LearningMethod, Listing, Provider, Rating
from core.identity import same_course
from core.image import Image
from core.snapshot import image_of
from core.text import compact, fold
from refresher.indexing import index_part
from search.index import CourseFilter, CourseSort, Mask, SearchError, SearchIndex
from tests import skill_week
from tests.search_spec import course_terms, expected, facet, holds_every_word, official, title_terms
from tests.skill_week import PLATFORMS, PRICES

# -- the snapshot ---------------------------------------------------------------------------------------


def build(listings: Iterable[Listing]) -> SearchIndex:
    """An index as the refresher writes it and a server reads it: one part per platform, through an image."""
    listings = list(listings)
    parts = {p: index_part(x for x in listings if x.platform == p) for p in PLATFORMS}
    return SearchIndex(Image(image_of(parts, {}).to_bytes()))


@pytest.fixture(scope="module")
def listings() -> list[Listing]:
    return skill_week.listings()


@pytest.fixture(scope="module")
def index(listings: list[Listing]) -> SearchIndex:
    return build(listings)


def eligible_mask(index: SearchIndex, eligible: set[str]) -> Mask:
    return np.array([listing.id in eligible for listing in index.listings], dtype=np.bool_)


def page_through(index: SearchIndex, flt: CourseFilter, sort: CourseSort, size: int,
                 mask: Mask | None = None, after: str | None = None) -> list[Listing]:
    """Every page, following endCursor; checks the page invariants on the way."""
    shown: list[Listing] = []
    while True:
        page = index.search(flt, sort, size, after, mask)
        assert len(page.listings) <= size
        assert len(page.cursors) == len(page.listings)
        shown.extend(page.listings)
        if not page.has_next:
            return shown
        assert len(page.listings) == size
        after = page.cursors[-1]


def ids(listings: Iterable[Listing]) -> list[str]:
    return [listing.id for listing in listings]


def search_ids(index: SearchIndex, text: str, sort: CourseSort = CourseSort.RELEVANCE) -> list[str]:
    return ids(page_through(index, CourseFilter(search=text), sort, 100))


# -- matching and ranking on the real titles ------------------------------------------------------------


def test_an_exact_title_is_found_first(index: SearchIndex) -> None:
    for title in skill_week.titles():
        page = index.search(CourseFilter(search=title), CourseSort.RELEVANCE, 3)
        assert page.listings, title
        assert compact(page.listings[0].title) == compact(title), title


def test_an_exact_title_outranks_longer_titles_holding_its_words(index: SearchIndex) -> None:
    # "Fundamental UI/UX" is held by no other title, but "Mengenal Digital Governance" style short titles are:
    # every title that is all the words of another, longer title, must still come first.
    checked = 0
    for title in skill_week.titles():
        words = fold(title).split()
        longer = [x for x in index.listings if compact(x.title) != compact(title)
                  and holds_every_word(words, title_terms(x))]
        if not longer:
            continue
        checked += 1
        found = page_through(index, CourseFilter(search=title), CourseSort.RELEVANCE, 50)
        exact = [x for x in found if compact(x.title) == compact(title)]
        assert found[: len(exact)] == exact, title
    assert checked >= 3


def test_other_case_accents_and_punctuation_find_the_same_courses(index: SearchIndex) -> None:
    def accented(text: str) -> str:
        return text.translate(str.maketrans("aeiouAEIOU", "áéíóúÁÉÍÓÚ"))

    def unpunctuated(text: str) -> str:
        return " ".join("".join(ch if ch.isalnum() else " " for ch in text).split())

    for title in skill_week.titles()[::3]:
        found = sorted(search_ids(index, title))
        for other in (title.upper(), title.lower(), accented(title), unpunctuated(title), f"  {title}?! "):
            assert sorted(search_ids(index, other)) == found, (title, other)


def test_a_title_typed_with_accents_is_found_without_them_and_the_reverse(index: SearchIndex) -> None:
    accented = [x for x in index.listings if not x.title.isascii()]
    assert accented
    for listing in accented:
        plain = listing.title.translate(str.maketrans("áéíóú", "aeiou"))
        assert index.search(CourseFilter(search=plain), CourseSort.RELEVANCE, 10).listings[0].title in {
            x.title for x in index.listings if compact(x.title) == compact(plain)
        }
        assert listing.id in search_ids(index, plain)
        assert listing.id in search_ids(index, listing.title)


def test_kue_finds_kue_with_an_accent_and_the_reverse(listings: list[Listing]) -> None:
    kue = replace(listings[0], listing_id="kue", title="Membuat Kué Lapis Légit", rating=None)
    index = build([*listings, kue])
    found = search_ids(index, "kue")
    assert kue.id in found and len(found) > 1
    assert set(found) == set(search_ids(index, "Kué")) == set(search_ids(index, "KUÉ"))
    assert index.search(CourseFilter(search="membuat kue lapis legit"), CourseSort.RELEVANCE, 1).listings == (kue,)


def test_a_search_word_finds_every_course_word_it_starts(index: SearchIndex, listings: list[Listing]) -> None:
    digi = search_ids(index, "digi")
    titles = {index.get(course_id).title.casefold() for course_id in digi}  # type: ignore[union-attr]
    assert any("digital " in t for t in titles) and any("digitalisasi" in t for t in titles)
    assert set(digi) == {x.id for x in listings if any(w.startswith("digi") for w in course_terms(x))}


def test_words_joined_by_punctuation_are_found_written_together(index: SearchIndex) -> None:
    for joined, title in (("frontend", "Fundamental Front-End Engineer with React"), ("uiux", "Fundamental UI/UX")):
        found = {index.get(course_id).title for course_id in search_ids(index, joined)}  # type: ignore[union-attr]
        assert title in found


def test_a_title_holding_every_word_ranks_above_a_description_only_match(listings: list[Listing]) -> None:
    loud = replace(listings[0], listing_id="loud", title="Kelas Serba Ada", rating=Rating(5.0, 10**6),
                   description="Belajar digital marketing dan microsoft word untuk pemula")
    index = build([*listings, loud])
    for text in ("digital marketing", "microsoft word", "digi mark"):
        found = page_through(index, CourseFilter(search=text), CourseSort.RELEVANCE, 20)
        in_title = [holds_every_word(fold(text).split(), title_terms(x)) for x in found]
        assert any(in_title) and not all(in_title), text
        assert in_title == sorted(in_title, reverse=True), text  # every title match before every other match
        assert loud in found and not holds_every_word(fold(text).split(), title_terms(loud))


def test_most_reviewed_first_within_a_rank_and_without_search(index: SearchIndex, listings: list[Listing]) -> None:
    for text in ("", "membuat", "bisnis"):
        flt = CourseFilter(search=text or None)
        assert page_through(index, flt, CourseSort.RELEVANCE, 40) == expected(listings, flt, CourseSort.RELEVANCE)
    by_reviews = page_through(index, CourseFilter(), CourseSort.RELEVANCE, 100)
    assert [x.review_count for x in by_reviews] == sorted((x.review_count for x in listings), reverse=True)


@pytest.mark.parametrize(
    ("text", "not_found"),
    [
        ("engineering", "engineer"),  # English: no stemming of -ing
        ("pelajari", "mempelajari"),  # Indonesian: no affix stripping (meN-...-i)
        ("pasar", "pemasaran"),  # pe-...-an
        ("jual", "penjualan"),
        ("masak", "memasak"),
    ],
)
def test_no_stemming(index: SearchIndex, listings: list[Listing], text: str, not_found: str) -> None:
    found = search_ids(index, text)
    assert set(found) == {x.id for x in listings if any(w.startswith(text) for w in course_terms(x))}
    assert any(not_found in fold(x.title).split() for x in listings)
    inflected = replace(listings[0], title=f"Kelas {not_found.title()}", description=None, syllabus=(),
                        provider=Provider("LKP", None))
    assert search_ids(build([inflected]), text) == []
    assert search_ids(build([inflected]), not_found) == [inflected.id]


def test_a_search_of_punctuation_alone_filters_nothing(index: SearchIndex) -> None:
    assert index.search(CourseFilter(search=" !?- "), CourseSort.RELEVANCE, 5).total == index.size


# -- every filter, sort, facet and cursor against brute force -------------------------------------------


def random_search(rng: random.Random, listings: list[Listing]) -> str:
    listing = rng.choice(listings)
    words = sorted(course_terms(listing))
    picked = [rng.choice(words) for _ in range(rng.choice((1, 1, 2, 3)))]
    text = " ".join(word[: rng.randint(1, len(word))] for word in picked)
    style = rng.random()
    if style < 0.2:
        return text.upper()
    if style < 0.3:
        return text.replace("a", "á").replace("e", "ë") + "!"
    if style < 0.35:
        return "zzqx " + text  # a word nothing holds
    return text


def random_filter(rng: random.Random, listings: list[Listing]) -> CourseFilter:
    def maybe(rate: float) -> bool:
        return rng.random() < rate

    providers = sorted({x.provider.name for x in listings})
    provider = rng.choice(providers)
    start = rng.randrange(len(provider))
    return CourseFilter(
        search=random_search(rng, listings) if maybe(0.5) else None,
        platforms=tuple(rng.sample([*PLATFORMS, "nowhere"], rng.randint(0, 3))) if maybe(0.3) else None,
        categories=tuple(rng.choice((c, c.upper(), f" {c.lower()} ")) for c in rng.sample(OFFICIAL_CATEGORIES, 3))
        if maybe(0.3) else None,
        methods=tuple(rng.sample(list(LearningMethod), rng.randint(1, 2))) if maybe(0.2) else None,
        min_price=rng.choice(PRICES) if maybe(0.25) else None,
        max_price=rng.choice(PRICES) if maybe(0.25) else None,
        min_rating=rng.choice((3.5, 4.0, 4.2, 5.0)) if maybe(0.2) else None,
        provider=provider[start : start + rng.randint(1, 8)].upper() if maybe(0.15) else None,
        eligible_only=maybe(0.2),
    )


def test_every_filter_sort_facet_and_total_agrees_with_brute_force(index: SearchIndex, listings: list[Listing]) -> None:
    rng = random.Random(2020)
    exercised: Counter[str] = Counter()  # criteria given in a query that still found some courses
    for _ in range(250):
        flt = random_filter(rng, listings)
        sort = rng.choice(list(CourseSort))
        eligible = {x.id for x in listings if rng.random() < 0.6}
        mask = eligible_mask(index, eligible)
        want = expected(listings, flt, sort, eligible)
        if want:
            exercised.update(name for name in CourseFilter.__slots__ if getattr(flt, name) not in (None, False))
            exercised[sort.value] += 1

        first = index.search(flt, sort, 5, None, mask)
        assert first.total == len(want), flt
        assert first.facets.platforms == facet(x.platform for x in want)
        assert first.facets.categories == facet(official(x.category) for x in want)
        assert first.facets.methods == facet(x.method.value for x in want)

        shown = page_through(index, flt, sort, rng.choice((1, 3, 7, 20, 100)), mask)
        assert ids(shown) == ids(want), (flt, sort)
    assert all(exercised[name] >= 10 for name in [*CourseFilter.__slots__, *CourseSort]), exercised


def test_facets_and_total_count_the_whole_filtered_result_not_the_page(index: SearchIndex,
                                                                      listings: list[Listing]) -> None:
    flt = CourseFilter(search="mem")
    page = index.search(flt, CourseSort.PRICE_ASC, 1)
    want = expected(listings, flt, CourseSort.PRICE_ASC)
    assert len(page.listings) == 1 and page.total == len(want) > 50
    assert sum(n for _, n in page.facets.platforms) == sum(n for _, n in page.facets.methods) == len(want)


def test_rating_desc_puts_unrated_courses_last(index: SearchIndex) -> None:
    shown = page_through(index, CourseFilter(), CourseSort.RATING_DESC, 100)
    rated = [x.rating is not None for x in shown]
    assert rated == sorted(rated, reverse=True) and not all(rated) and any(rated)


def test_ties_are_broken_by_id(index: SearchIndex) -> None:
    shown = page_through(index, CourseFilter(), CourseSort.PRICE_ASC, 9)
    for a, b in pairwise(shown):
        assert (a.price, a.id) < (b.price, b.id)


def test_eligible_only_needs_the_mask(index: SearchIndex) -> None:
    with pytest.raises(ValueError, match="eligibility mask"):
        index.search(CourseFilter(eligible_only=True), CourseSort.RELEVANCE, 5)


# -- cursors --------------------------------------------------------------------------------------------


def test_a_cursor_is_only_accepted_by_the_filter_and_sort_it_came_from(index: SearchIndex) -> None:
    cursor = index.search(CourseFilter(search="bisnis"), CourseSort.PRICE_ASC, 2).cursors[-1]
    for flt, sort in ((CourseFilter(search="bisnis"), CourseSort.PRICE_DESC), (CourseFilter(), CourseSort.PRICE_ASC),
                      (CourseFilter(search="bisni"), CourseSort.PRICE_ASC)):
        with pytest.raises(SearchError, match="another filter or sort"):
            index.search(flt, sort, 2, cursor)


@pytest.mark.parametrize("cursor", ["x", "", "!!!!", "WzEsMiwzXQ", "bnVsbA", "WyJhIiwgLTEsICIwIl0", "W10"])
def test_a_cursor_the_api_never_gave_is_refused(index: SearchIndex, cursor: str) -> None:
    with pytest.raises(SearchError):
        index.search(CourseFilter(), CourseSort.PRICE_ASC, 2, cursor or "=")


def test_a_cursor_continues_across_an_identical_rebuild(listings: list[Listing]) -> None:
    older, newer = build(listings), build(listings)
    flt = CourseFilter(search="membuat")
    page = older.search(flt, CourseSort.RELEVANCE, 10)
    rest = page_through(newer, flt, CourseSort.RELEVANCE, 10, after=page.cursors[-1])
    assert [*page.listings, *rest] == expected(listings, flt, CourseSort.RELEVANCE)


@pytest.mark.parametrize("sort", list(CourseSort))
def test_courses_added_or_removed_after_the_cursor_are_shown_or_left_out(listings: list[Listing],
                                                                         sort: CourseSort) -> None:
    flt = CourseFilter(search="me")
    ordered = expected(listings, flt, sort)
    shown, later = ordered[:15], ordered[15:]
    arriving, leaving = {x.id for x in later[::2]}, {x.id for x in later[1::3]}
    older = build(x for x in listings if x.id not in arriving)
    page = older.search(flt, sort, 15)
    assert list(page.listings) == shown
    assert shown + page_through(build(listings), flt, sort, 15, after=page.cursors[-1]) == ordered  # added
    newest = [x for x in listings if x.id not in leaving]
    assert shown + page_through(build(newest), flt, sort, 15, after=page.cursors[-1]) == expected(newest, flt, sort)


def test_a_change_before_the_cursor_is_refused_not_repeated_or_skipped(listings: list[Listing]) -> None:
    flt, sort = CourseFilter(), CourseSort.PRICE_ASC
    ordered = expected(listings, flt, sort)
    page = build(listings).search(flt, sort, 20)
    cheaper = replace(ordered[40], price=-1)  # moves across the cursor: would be skipped
    dearer = replace(ordered[3], price=10**9)  # moves across the cursor: would be repeated
    added = replace(ordered[0], listing_id="new-and-cheap", price=-1)
    for changed in (
        [x for x in listings if x is not ordered[5]],  # a course already shown is gone
        [x for x in listings if x is not ordered[40]] + [cheaper],
        [x for x in listings if x is not ordered[3]] + [dearer],
        [*listings, added],
    ):
        with pytest.raises(SearchError, match="changed"):
            build(changed).search(flt, sort, 20, page.cursors[-1])


def test_across_random_snapshot_changes_a_cursor_continues_exactly_or_is_refused(listings: list[Listing]) -> None:
    rng = random.Random(7)
    outcomes: Counter[str] = Counter()
    for _ in range(40):
        flt = random_filter(rng, listings)
        flt = replace(flt, eligible_only=False)
        sort = rng.choice(list(CourseSort))
        size = rng.choice((2, 5, 10))
        dropped = set(rng.sample(range(len(listings)), len(listings) // 10))
        fewer = [x for i, x in enumerate(listings) if i not in dropped]
        older, newer = (fewer, listings) if rng.random() < 0.5 else (listings, fewer)
        first = build(older).search(flt, sort, size)
        if not first.has_next:
            continue
        try:
            rest = page_through(build(newer), flt, sort, size, after=first.cursors[-1])
        except SearchError:
            outcomes["refused"] += 1
            continue
        outcomes["continued"] += 1
        assert [*first.listings, *rest] == expected(newer, flt, sort), (flt, sort)
    assert outcomes["refused"] and outcomes["continued"], outcomes


# -- identity in the index: otherOffers -----------------------------------------------------------------


def test_other_offers_are_the_same_course_on_other_platforms_cheapest_first(index: SearchIndex,
                                                                           listings: list[Listing]) -> None:
    offered = 0
    by_title: dict[str, list[Listing]] = {}  # only to spare comparing every pair; same_course decides
    for listing in listings:
        by_title.setdefault(compact(listing.title), []).append(listing)
    for listing in listings:
        want = sorted(
            (x for x in by_title[compact(listing.title)] if x.platform != listing.platform
             and same_course(x.title, x.provider, listing.title, listing.provider)),
            key=lambda x: (x.price, x.id),
        )
        assert index.other_offers(listing) == want
        offered += bool(want)
    assert offered > 100


def test_bundles_and_repeated_ids_are_not_listed(listings: list[Listing]) -> None:
    bundle = replace(listings[0], listing_id="paket-1", is_bundle=True)
    index = build([*listings, bundle, listings[1]])
    assert index.size == len(listings)
    assert index.get(bundle.id) is None and index.get(listings[1].id) == listings[1]
    assert bundle not in index.other_offers(replace(listings[0], platform="elsewhere"))


def test_an_empty_snapshot_answers_empty_pages() -> None:
    index = build([])
    page = index.search(CourseFilter(search="kue"), CourseSort.RELEVANCE, 20)
    assert (page.listings, page.total, page.has_next, page.facets.platforms) == ((), 0, False, ())


def test_a_category_outside_the_taxonomy_counts_as_lainnya(listings: list[Listing]) -> None:
    odd = replace(listings[0], listing_id="odd", category="Kecantikan", provider=Provider("LKP Ayu", None))
    index = build([odd])
    assert index.search(CourseFilter(categories=("lainnya",)), CourseSort.RELEVANCE, 5).listings == (odd,)
