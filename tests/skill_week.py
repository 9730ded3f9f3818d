"""Listings built from the real Indonesia Skills Week courses (the committed fixture), with seeded random fields.

Each real course is sold on one to three platforms; on the others its title is typed differently (case, accents,
punctuation, spacing), as platforms do. Descriptions borrow words of other titles, so that many courses match a
search in their description only. Prices, ratings and review counts come from small sets, so that sorts have ties.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from core.domain import OFFICIAL_CATEGORIES, LearningMethod, Listing, Provider, Rating
from tests.fixtures import skill_week_courses as courses

PLATFORMS = ("tokopedia", "skillacademy", "pintaria", "sekolahmu", "bukalapak", "pijarmahir")
PRICES = (0, 49_000, 99_000, 150_000, 250_000, 500_000, 1_000_000, 3_500_000, 4_000_000)
_METHODS = {"Online - LMS": LearningMethod.SELF_PACED, "Online - Webinar": LearningMethod.WEBINAR}
_ACCENTED = str.maketrans("aeiou", "áéíóú")


def titles() -> list[str]:
    return [course["course_title"] for course in courses()]


def variants() -> list[Callable[[str], str]]:
    """Ways another platform types the same title: only case, accents, punctuation or spacing differ."""
    return [
        str.upper,
        str.lower,
        lambda t: t.translate(_ACCENTED),
        lambda t: t.replace(" ", "  ").replace(" dan ", " & dan ") + " !",
        lambda t: "-".join(t.split(" ", 1)) if " " in t else t + ".",
        lambda t: t.replace("(", "").replace(")", "").replace(":", ""),
    ]


def listings(seed: int = 4, copies: int = 1) -> list[Listing]:
    """Every real course on one to three platforms (``copies`` times over, under other ids)."""
    rng = random.Random(seed)
    words = sorted({word for title in titles() for word in title.split() if word.isalpha() and len(word) > 3})
    made: list[Listing] = []
    for copy in range(copies):
        for number, course in enumerate(courses()):
            provider = Provider(course["lp_name"], rng.choice([None, f"91200{number:08d}", f"91200{number:08d}"]))
            for slot, platform in enumerate(rng.sample(PLATFORMS, rng.choice((1, 1, 2, 3)))):
                title = course["course_title"] if slot == 0 else rng.choice(variants())(course["course_title"])
                made.append(_listing(rng, platform, f"{copy}{number:04d}{slot}", title, provider, course, words))
    return made


def _listing(
    rng: random.Random, platform: str, listing_id: str, title: str, provider: Provider, course: dict[str, Any],
    words: list[str],
) -> Listing:
    reviews = rng.choice((0, 0, 1, 5, 12, 12, 40, 300))
    category = course["course_category"]
    return Listing(
        platform=platform,
        listing_id=listing_id,
        title=title,
        description=" ".join(rng.sample(words, 12)) if rng.random() < 0.9 else None,
        provider=provider,
        price=rng.choice(PRICES),
        category=category if rng.random() < 0.95 else rng.choice(OFFICIAL_CATEGORIES),
        method=_METHODS.get(course["course_type"], LearningMethod.OFFLINE) if rng.random() < 0.9 else
        LearningMethod.OFFLINE,
        duration_hours=rng.choice((None, 2.0, 7.5)),
        rating=Rating(rng.choice((3.5, 4.0, 4.5, 5.0)), reviews) if reviews else None,
        syllabus=tuple(rng.sample(words, rng.randint(0, 3))),
        has_final_assessment=rng.random() < 0.9,
        url=None,
    )
