"""Pintaria (platforms.md §4): one untrusted XML document, dotted prices, decimal-comma ratings, ETag / 304."""

from __future__ import annotations

import pytest

from adapters import FeedError
from core.domain import LearningMethod, Listing, Provider, Rating

from .conftest import Reply, Upstream, by_id

PATH = "/feeds/prakerja.xml"
SINGLE = """
  <course id="PIN-1001" type="single">
    <title>Public Speaking untuk Pemula</title>
    <provider nib="9120007770001">Pintaria Learning Center</provider>
    <price currency="IDR">1.000.000</price>
    <category>Sosial dan Perilaku</category>
    <mode>daring</mode>
    <duration unit="jam">10</duration>
    <rating count="20">4,6</rating>
    <syllabus><module>Mengatasi gugup</module><module>Struktur presentasi</module></syllabus>
    <assessment>post-test</assessment>
    <status>aktif</status>
    <url>https://www.pintaria.com/kursus/public-speaking-untuk-pemula</url>
    <description><![CDATA[<p>Berbicara di depan umum</p>]]></description>
  </course>"""
PACKAGE = """
  <course id="PIN-1900" type="paket">
    <title>Paket Karier Lengkap</title>
    <components><ref id="PIN-1001"/><ref id="PIN-1002"/></components>
    <provider nib="9120007770001">Pintaria Learning Center</provider>
    <price currency="IDR">2.500.000</price>
    <category>Manajemen</category>
    <mode>daring</mode>
    <syllabus><module>Semua kelas</module></syllabus>
    <status>aktif</status>
  </course>"""


def catalog(*courses: str) -> Reply:
    document = '<?xml version="1.0" encoding="UTF-8"?>\n<catalog generated="2020-07-01T10:00:00+07:00">'
    return Reply((document + "".join(courses) + "\n</catalog>").encode(), headers={"Content-Type": "application/xml"})


def course(course_id: str, body: str, *, type_: str = "single") -> str:
    return f'<course id="{course_id}" type="{type_}">{body}</course>'


MINIMAL = (
    "<title>Kelas</title><provider>LPK Contoh</provider><price>150.000</price>"
    "<category>Lainnya</category><mode>daring</mode><status>aktif</status>"
)


async def test_the_documented_feed_reads_as_listings(upstream: Upstream):
    upstream.on(PATH, catalog(SINGLE, PACKAGE))
    result = await upstream.fetch("pintaria")
    listings = by_id(result)
    assert listings["PIN-1001"] == Listing(
        platform="pintaria",
        listing_id="PIN-1001",
        title="Public Speaking untuk Pemula",
        description="Berbicara di depan umum",
        provider=Provider("Pintaria Learning Center", "9120007770001"),
        price=1_000_000,
        category="Sosial dan Perilaku",
        method=LearningMethod.SELF_PACED,
        duration_hours=10.0,
        rating=Rating(4.6, 20),
        syllabus=("Mengatasi gugup", "Struktur presentasi"),
        has_final_assessment=True,
        url="https://www.pintaria.com/kursus/public-speaking-untuk-pemula",
    )
    assert listings["PIN-1900"].is_bundle
    assert listings["PIN-1900"].price == 2_500_000
    assert result.skipped == 0


async def test_variants_of_each_element(upstream: Upstream):
    upstream.on(PATH, catalog(
        course("free", "<title>Gratis</title><provider>LPK A</provider><price>0</price>"
                       "<category>  teknologi   INFORMASI </category><mode>webinar</mode>"
                       '<duration unit="menit">90</duration><assessment/><status>aktif</status>'),
        course("offline", "<title>Luring</title><provider nib=''>LPK B</provider><price>  350.000 </price>"
                          "<category>Kecantikan</category><mode>luring</mode><status>\n  aktif\n</status>"),
        course("bundle", MINIMAL + '<components><ref id="free"/></components>'),
    ))
    listings = by_id(await upstream.fetch("pintaria"))
    free, offline = listings["free"], listings["offline"]
    assert (free.price, free.category, free.method, free.duration_hours) == (
        0, "Teknologi Informasi", LearningMethod.WEBINAR, 1.5,
    )
    assert free.rating is None and free.has_final_assessment is False and free.provider.nib is None
    assert (offline.price, offline.category, offline.method) == (350_000, "Lainnya", LearningMethod.OFFLINE)
    assert offline.provider == Provider("LPK B", None) and offline.duration_hours is None
    assert listings["bundle"].is_bundle and not free.is_bundle


async def test_inactive_courses_are_left_out_and_bad_ones_counted(upstream: Upstream):
    upstream.on(PATH, catalog(
        SINGLE,
        course("off", MINIMAL.replace("aktif", "nonaktif")),
        course("bad-price", MINIMAL.replace("150.000", "seratus ribu")),
        course("bad-rating", MINIMAL + '<rating count="banyak">4,5</rating>'),
        course("bad-unit", MINIMAL + '<duration unit="hari">2</duration>'),
        course("no-title", MINIMAL.replace("<title>Kelas</title>", "")),
        "<course><title>Tanpa id</title></course>",
    ))
    result = await upstream.fetch("pintaria")
    assert [listing.listing_id for listing in result.listings] == ["PIN-1001"]
    assert result.skipped == 5
    assert [u.id for u in result.report.unusable] == ["bad-price", "bad-rating", "bad-unit", "no-title", None]


async def test_an_unchanged_feed_answers_304_and_the_previous_listings_stay(upstream: Upstream):
    first_reply = catalog(SINGLE)
    upstream.on(PATH, Reply(first_reply.body, headers={**first_reply.headers, "ETag": 'W/"cat-1"'}),
                Reply(status=304))
    adapter = upstream.adapter("pintaria")
    first = await adapter.fetch(budget_s=2)
    second = await adapter.fetch(budget_s=2)
    assert second is first and len(second.listings) == 1
    assert upstream.requests[1].headers["If-None-Match"] == 'W/"cat-1"'


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<?xml version='1.0'?><rss><channel/></rss>", "root element is <rss>, not <catalog>"),
        (b"<catalog><course id='1'>", "not a usable XML document"),
        (b'{"courses": []}', "not a usable XML document"),
        (b"", "not a usable XML document"),
    ],
)
async def test_a_document_that_is_not_a_catalog_fails_the_refresh(upstream: Upstream, body, message):
    upstream.on(PATH, Reply(body))
    with pytest.raises(FeedError, match=message):
        await upstream.fetch("pintaria")


@pytest.mark.parametrize(
    "doctype",
    [
        # Entity expansion ("billion laughs").
        '<!DOCTYPE catalog [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
        # An external entity reading a local file.
        '<!DOCTYPE catalog [<!ENTITY secret SYSTEM "file:///etc/passwd">]>',
        # Any DTD at all.
        '<!DOCTYPE catalog SYSTEM "http://127.0.0.1:9/catalog.dtd">',
    ],
)
async def test_dtds_and_entities_are_refused(upstream: Upstream, doctype):
    document = f'<?xml version="1.0"?>{doctype}<catalog>{course("x", MINIMAL.replace("Kelas", "&b;"))}</catalog>'
    upstream.on(PATH, Reply(document.encode()))
    with pytest.raises(FeedError, match=r"not a usable XML document \((DTDForbidden|EntitiesForbidden)\)"):
        await upstream.fetch("pintaria")
