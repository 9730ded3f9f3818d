"""Course identity across platforms (rules.md §5): same provider and same title, after folding."""

from __future__ import annotations

from gateway.text import fold
from gateway.types import Provider


def title_key(title: str) -> str:
    """A title with case, accents, punctuation and spacing ignored."""
    return fold(title)


def same_provider(a: Provider, b: Provider) -> bool:
    """Same NIB when both have one, else same name after folding."""
    if a.nib and b.nib:
        return a.nib == b.nib
    return fold(a.name) == fold(b.name)


def same_course(title_a: str, provider_a: Provider, title_b: str, provider_b: Provider) -> bool:
    return title_key(title_a) == title_key(title_b) and same_provider(provider_a, provider_b)
