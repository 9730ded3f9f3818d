"""Course identity across platforms (rules.md §5): same provider and same title, after normalisation.

Case, accents, punctuation and spacing are ignored, so "Front-End Dasar", "front end  dasar" and
"FRONTEND DASAR!" are one title, and "PT. Bina Karya" and "pt bina-karya" one provider.
"""

from __future__ import annotations

import re

from core.domain import Provider
from core.text import compact

_NOT_DIGIT = re.compile(r"\D+")


def title_key(title: str) -> str:
    """A title with case, accents, punctuation and spacing ignored."""
    return compact(title)


def nib_key(nib: str | None) -> str | None:
    """The digits of an NIB (platforms may space or dash them); ``None`` when it has none (absent, "", "-")."""
    return _NOT_DIGIT.sub("", nib) or None if nib else None


def same_provider(a: Provider, b: Provider) -> bool:
    """Same NIB when both have one, else same name with case, accents, punctuation and spacing ignored."""
    nib_a, nib_b = nib_key(a.nib), nib_key(b.nib)
    if nib_a and nib_b:
        return nib_a == nib_b
    return _same_key(compact(a.name), compact(b.name))


def same_course(title_a: str, provider_a: Provider, title_b: str, provider_b: Provider) -> bool:
    return _same_key(title_key(title_a), title_key(title_b)) and same_provider(provider_a, provider_b)


def _same_key(a: str, b: str) -> bool:
    # A name of punctuation alone says nothing, so two of them are not taken for the same.
    return a == b and a != ""
