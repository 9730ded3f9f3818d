"""Pintaria: the whole catalogue as one XML document, read as untrusted XML; ETag / 304 when unchanged."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree
from defusedxml import DefusedXmlException

from core.domain import LearningMethod, Listing
from core.worker import in_worker

from .base import (
    Adapter,
    FeedError,
    ListingError,
    hours,
    learning_method,
    listing_id,
    optional_text,
    plain_text,
    provider,
    rating,
    required_text,
    rupiah,
)

_METHODS = {"daring": LearningMethod.SELF_PACED, "webinar": LearningMethod.WEBINAR, "luring": LearningMethod.OFFLINE}
_HOURS_PER_UNIT = {"jam": 1.0, "menit": 1 / 60}


class PintariaAdapter(Adapter):
    default_name = "Pintaria"
    conditional = True

    async def pages(self) -> AsyncIterator[Sequence[Any]]:
        response = await self.get("/feeds/prakerja.xml")
        # The whole catalogue in one document: parsed off the event loop, which keeps serving queries meanwhile.
        yield await in_worker(_courses, response.body)

    def raw_id(self, raw: Element) -> str | None:
        return raw.get("id")

    def parse(self, raw: Element) -> Listing | None:
        if required_text(_text(raw, "status"), "status") != "aktif":
            return None
        org = raw.find("provider")
        price = raw.find("price")
        if org is None or price is None:
            raise ListingError("provider or price is missing")
        score = raw.find("rating")
        duration = raw.find("duration")
        assessment = _text(raw, "assessment")
        return Listing(
            platform=self.slug,
            listing_id=listing_id(raw.get("id")),
            title=required_text(_text(raw, "title"), "title"),
            description=plain_text(_text(raw, "description")),
            provider=provider(_inner(org), org.get("nib")),
            price=rupiah(_inner(price), decimal_mark=",", currency=price.get("currency")),
            category=self.category(_text(raw, "category")),
            method=learning_method(_text(raw, "mode"), _METHODS),
            duration_hours=None if duration is None else _duration(duration),
            rating=None if score is None else rating(_inner(score), _count(score.get("count"))),
            syllabus=tuple(text for module in raw.iterfind("syllabus/module") if (text := _inner(module))),
            has_final_assessment=bool(assessment),
            url=optional_text(_text(raw, "url")),
            is_bundle=raw.get("type") == "paket" or raw.find("components/ref") is not None,
        )


def _courses(document: bytes) -> list[Element]:
    try:
        # No DTD at all: that rules out entity expansion and external entities before they are looked at.
        catalog = defusedxml.ElementTree.fromstring(document, forbid_dtd=True)
    except (ParseError, DefusedXmlException) as exc:
        raise FeedError(f"the feed is not a usable XML document ({type(exc).__name__})") from None
    if catalog.tag != "catalog":
        raise FeedError(f"the feed's root element is <{catalog.tag[:40]}>, not <catalog>")
    return catalog.findall("course")


def _inner(element: Element) -> str:
    """All the text inside an element, trimmed: pretty-printed feeds wrap values in whitespace."""
    return "".join(element.itertext()).strip()


def _text(course: Element, tag: str) -> str | None:
    element = course.find(tag)
    return None if element is None else _inner(element)


def _duration(element: Element) -> float | None:
    unit = (element.get("unit") or "jam").strip()
    if unit not in _HOURS_PER_UNIT:
        raise ListingError("duration unit is not recognised")
    return hours(_inner(element) or None, per_unit=_HOURS_PER_UNIT[unit])


def _count(value: str | None) -> int | None:
    return None if value is None else int(value.strip())
