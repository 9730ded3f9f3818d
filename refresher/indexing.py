"""Each platform's listings tokenised once per feed change into an :class:`core.snapshot.IndexPart`: the costly
part of making a catalogue searchable, done in the refresher's process."""

from __future__ import annotations

from array import array
from collections.abc import Collection, Iterable
from itertools import count
from typing import Any

import numpy as np

from core.domain import OTHER_CATEGORY, Listing
from core.identity import title_key
from core.snapshot import CATEGORY_CODES, COLUMNS, METHODS, IndexPart, Postings, listing_to_json, text_hash
from core.text import fold, terms


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

    def build(self) -> Postings:
        vocabulary = sorted(self._number)
        renumber = np.zeros(next(self._numbers), dtype=np.int32)
        renumber[np.fromiter(map(self._number.__getitem__, vocabulary), np.int64, len(vocabulary))] = np.arange(
            len(vocabulary), dtype=np.int32
        )
        word_ids = renumber[np.frombuffer(self._ids, dtype=np.int64)]
        lengths = np.frombuffer(self._lengths, dtype=np.int64)
        by_word = np.argsort(word_ids, kind="stable")
        docs = np.repeat(np.arange(len(lengths), dtype=np.int32), lengths)[by_word]
        offsets = np.concatenate(([0], np.cumsum(np.bincount(word_ids, minlength=len(vocabulary))))).astype(np.int64)
        return Postings(vocabulary, docs, offsets)


def index_part(listings: Iterable[Listing]) -> IndexPart:
    """One platform's on-sale listings, tokenised (bundles dropped, one listing per id)."""
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
    for listing in on_sale:
        title = terms_of(listing.title)
        titles.add(title)
        text.add(title.union(terms_of(listing.provider.name), *map(terms_of, listing.syllabus),
                             terms(listing.description or "")))
    folded = {name: fold(name) for name in {listing.provider.name for listing in on_sale}}
    return IndexPart(
        listings=on_sale,
        encoded=tuple(map(listing_to_json, on_sale)),
        title_keys=tuple(title_key(listing.title) for listing in on_sale),
        providers=tuple(folded[listing.provider.name] for listing in on_sale),
        text=text.build(),
        titles=titles.build(),
        columns=np.fromiter(map(_column_values, on_sale), dtype=COLUMNS, count=len(on_sale)),
    )


def _column_values(listing: Listing) -> tuple[Any, ...]:
    return (
        listing.price,
        listing.review_count,
        listing.rating.average if listing.rating else np.nan,
        CATEGORY_CODES.get(listing.category.strip().casefold(), CATEGORY_CODES[OTHER_CATEGORY.casefold()]),
        METHODS.index(listing.method),
        not listing.provider.nib,
        not listing.syllabus,
        not listing.has_final_assessment,
        text_hash(listing.id),
    )
