"""What the benchmarks ask: the typical search page of the README's bars, the same each time or no two alike."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

import orjson

from core.text import fold
from sandbox import DemoCatalogue

PAGE = """
query Search($filter: CourseFilter, $sort: CourseSort!, $first: Int!) {
  courses(filter: $filter, sort: $sort, first: $first) {
    totalCount
    facets { platforms { value count } categories { value count } methods { value count } }
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      node {
        id title description category method durationHours syllabus hasFinalAssessment url
        platform { slug name status courseCount lastRefreshedAt lastError }
        provider { name nib }
        price { amount currency formatted }
        rating { average count }
        eligibility { status reasons { code message } }
      }
    }
  }
}
"""
"""``courses(filter: {search: …}, first: 20)`` with every Course field but ``otherOffers``, eligibility included."""


def title_words(catalogue: DemoCatalogue) -> list[tuple[str, ...]]:
    """Words people search for: those of course titles, title by title."""
    titles = {tuple(word for word in fold(record.title).split() if len(word) >= 3) for record in catalogue}
    return sorted(words for words in titles if words)


def typical(words: Sequence[str]) -> dict[str, Any]:
    return {"filter": {"search": " ".join(words[:2])}, "sort": "RELEVANCE", "first": 20}


def first_page(first: int = 20) -> dict[str, Any]:
    """No filter: the front page, ``courses(first: 20)``."""
    return {"sort": "RELEVANCE", "first": first}


def all_different(rng: random.Random, titles: Sequence[Sequence[str]], count: int) -> list[dict[str, Any]]:
    """Requests no two alike: other search texts (whole words and prefixes), sorts and page sizes. The words of
    one search come from one title, so that, like people's searches, each finds courses."""
    made: dict[str, dict[str, Any]] = {}
    while len(made) < count:
        title = rng.choice(titles)
        picked = rng.sample(title, min(len(title), rng.choice((1, 1, 2))))
        text = " ".join(word[: rng.randint(3, len(word))] for word in picked)
        body = {"filter": {"search": text}, "sort": rng.choice(("RELEVANCE", "RELEVANCE", "PRICE_ASC", "RATING_DESC")),
                "first": rng.choice((10, 20, 20, 20, 30))}
        made.setdefault(repr(body), body)
    return list(made.values())


def body(variables: dict[str, Any]) -> bytes:
    """The HTTP request body of the search page with these variables."""
    return orjson.dumps({"query": PAGE, "variables": variables})
