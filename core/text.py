"""Text folding shared by search and course identity: case, accents, punctuation and spacing ignored."""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser

# An apostrophe joins the parts of one word ("Jum'at", "Qur’an", "women's"): dropped, not a word break.
_APOSTROPHES = re.compile(r"['‘’ʼ`´]")
# The combining diacritics NFKD splits off Latin letters: "é" becomes "e" + U+0301.
_ACCENTS = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# Punctuation (anything neither a letter, a digit nor a space), and the same for ASCII as str.translate tables,
# several times faster than a regular expression on the long texts the index reads.
_PUNCTUATION = re.compile(r"[^\w\s]|_")
_ASCII_PUNCTUATION = "".join(ch for ch in map(chr, range(128)) if not ch.isalnum() and not ch.isspace())
_ASCII_BREAK = str.maketrans(_ASCII_PUNCTUATION, " " * len(_ASCII_PUNCTUATION))
_ASCII_DROP = str.maketrans("", "", _ASCII_PUNCTUATION)
_SPACES = re.compile(r"\s+")


def _plain(text: str) -> str:
    text = _APOSTROPHES.sub("", text.casefold())
    if text.isascii():
        return text
    return _ACCENTS.sub("", unicodedata.normalize("NFKD", text))


def _broken(plain: str) -> str:
    """Punctuation turned into spaces: "ui/ux" becomes "ui ux"."""
    # Unicode-aware off ASCII, so letters of any script stay (a title in another script must not fold to nothing).
    return plain.translate(_ASCII_BREAK) if plain.isascii() else _PUNCTUATION.sub(" ", plain)


def _joined(plain: str) -> str:
    """Punctuation dropped: "ui/ux" becomes "uiux"."""
    return plain.translate(_ASCII_DROP) if plain.isascii() else _PUNCTUATION.sub("", plain)


def fold(text: str) -> str:
    """Lower case, accents and apostrophes dropped, every other run of punctuation or space one space.

    ``fold("Kué  Kering (Jum'at)!") == "kue kering jumat"``.
    """
    return " ".join(_broken(_plain(text)).split())


def compact(text: str) -> str:
    """:func:`fold` with the spaces dropped too: "Front-End", "front end" and "FrontEnd" are one."""
    return "".join(_broken(_plain(text)).split())


def terms(text: str) -> set[str]:
    """The words a text can be found by: its folded words, and each punctuation-joined run as one word too.

    So "UI/UX" is found by "ui", "ux" and "uiux", and "E-Commerce" by "ecommerce" as well as "commerce".
    """
    plain = _plain(text)
    found = set(_broken(plain).split())
    found.update(_joined(plain).split())
    return found


class _TextCollector(HTMLParser):
    # Block-level tags end a run of text, so "<p>a</p><p>b</p>" reads "a b", not "ab".
    _BREAKS = frozenset({"p", "br", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td"})
    # Their content is code, not text a reader sees.
    _HIDDEN = frozenset({"script", "style"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._HIDDEN:
            self._hidden += 1
        elif tag in self._BREAKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in self._BREAKS:
            self.parts.append(" ")


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment: tags removed, entities decoded, whitespace collapsed."""
    collector = _TextCollector()
    collector.feed(markup)
    collector.close()
    return _SPACES.sub(" ", "".join(collector.parts)).strip()
