"""Pintaria (platforms.md §4): the whole catalogue as one XML document, with ``ETag`` and 304."""

from __future__ import annotations

from collections.abc import Iterable
from xml.sax.saxutils import escape, quoteattr

from aiohttp import web

from ..catalogue import CourseRecord
from ..http import conditional, entity_tag
from ..platforms import JAKARTA
from .base import Feed, dotted, garbled, number, variant

_MODES = {"SELF_PACED": "daring", "WEBINAR": "webinar", "OFFLINE": "luring"}
CONTENT_TYPE = "application/xml"


class PintariaFeed(Feed):
    slug = "pintaria"

    def routes(self) -> Iterable[web.RouteDef]:
        return [web.get("/feeds/prakerja.xml", self.feed)]

    async def feed(self, request: web.Request) -> web.Response:
        body, etag = self.derived("document", self._document)
        return conditional(request, body, content_type=CONTENT_TYPE, etag=etag)

    def _document(self) -> tuple[bytes, str]:
        generated = self.published_at.astimezone(JAKARTA).isoformat(timespec="seconds")
        courses = "".join(self.item(r) for r in self.records)
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<catalog generated={quoteattr(generated)}>\n{courses}</catalog>\n"
        ).encode()
        return body, entity_tag(body)

    def item(self, record: CourseRecord) -> str:
        e = escape
        nib = f" nib={quoteattr(record.provider_nib)}" if record.provider_nib else ""
        parts = [
            f"  <course id={quoteattr(record.listing_id)} type=\"{'paket' if record.is_bundle else 'single'}\">",
            f"    <title>{e(record.title)}</title>",
            f"    <provider{nib}>{e(record.provider_name)}</provider>",
            f'    <price currency="IDR">{e(_price(record))}</price>',
            f"    <category>{e(record.platform_category)}</category>",
            f"    <mode>{_MODES[record.method]}</mode>",
        ]
        if record.components:
            refs = "".join(f"<ref id={quoteattr(c)}/>" for c in record.components)
            parts.append(f"    <components>{refs}</components>")
        if record.duration_hours is not None:
            parts.append(f"    {_duration(record, record.duration_hours)}")
        if record.rating is not None:
            average = f"{record.rating.average:g}".replace(".", ",")
            parts.append(f'    <rating count="{record.rating.count}">{average}</rating>')
        modules = "".join(f"<module>{e(m)}</module>" for m in record.syllabus)
        parts.append(f"    <syllabus>{modules}</syllabus>")
        if record.has_final_assessment:
            parts.append("    <assessment>post-test</assessment>")
        elif variant(record, 2):
            parts.append("    <assessment/>")  # present but empty: no final assessment either
        parts += [
            f"    <status>{'aktif' if record.active else 'nonaktif'}</status>",
            f"    <url>{e(record.url)}</url>",
        ]
        if record.description is not None:
            parts.append(f"    <description>{_cdata(record.description)}</description>")
        parts.append("  </course>\n")
        return "\n".join(parts)


def _price(record: CourseRecord) -> str:
    text = dotted(record.price)
    return garbled(text, record) if record.bad_price else text


def _duration(record: CourseRecord, hours: float) -> str:
    if hours.is_integer() and variant(record, 3):
        return f'<duration unit="jam">{number(hours)}</duration>'
    return f'<duration unit="menit">{round(hours * 60)}</duration>'


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"
