"""Text helpers of the simulation: folding (the spec's notion of "the same title"), slugs, HTML to plain text.

Written here rather than imported from the gateway so that the sandbox states the spec independently.
"""

from __future__ import annotations

import html
import re
import unicodedata

_NOT_WORD = re.compile(r"[^0-9a-z]+")
_BLOCK_TAG = re.compile(r"</?(?:p|br|div|li|ul|ol|h[1-6])\b[^>]*>", re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"\s+")


def strip_accents(text: str) -> str:
    if text.isascii():
        return text
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Case, accents, punctuation and spacing ignored (rules.md §5): "Kué  Kering!" → "kue kering"."""
    return _NOT_WORD.sub(" ", strip_accents(text.casefold())).strip()


def slugify(text: str) -> str:
    return fold(text).replace(" ", "-")


def plain_text(markup: str) -> str:
    """What a reader sees of an HTML fragment: block tags break words, entities decoded, spaces collapsed."""
    text = _ANY_TAG.sub("", _BLOCK_TAG.sub(" ", markup))
    return _SPACES.sub(" ", html.unescape(text)).strip()
