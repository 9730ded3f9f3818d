"""Text folding shared by search and course identity: case, accents, punctuation and spacing ignored."""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser

_NOT_WORD = re.compile(r"[^0-9a-z]+")
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower case, accents stripped, every run of punctuation or space turned into one space."""
    text = text.casefold()
    if not text.isascii():
        text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return _NOT_WORD.sub(" ", text).strip()


def words(text: str) -> list[str]:
    return fold(text).split()


class _TextCollector(HTMLParser):
    # Block-level tags end a run of text, so "<p>a</p><p>b</p>" reads "a b", not "ab".
    _BREAKS = frozenset({"p", "br", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._BREAKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._BREAKS:
            self.parts.append(" ")


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment: tags removed, entities decoded, whitespace collapsed."""
    collector = _TextCollector()
    collector.feed(markup)
    collector.close()
    return _SPACES.sub(" ", "".join(collector.parts)).strip()
