"""Each feed serves exactly the shape of platforms.md, pages to the end, and renders the catalogue's truth."""

from __future__ import annotations

import base64
import dataclasses
import gzip
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import aiohttp
import orjson
import pytest
from defusedxml import ElementTree

from sandbox import CourseRecord, DemoCatalogue, Sandbox, generate
from sandbox.feeds.base import dotted, garbled
from sandbox.feeds.pijarmahir import iso_duration


def rupiah(text: str, decimal_mark: str) -> int:
    """The spec's reading of a price text (rules.md §6), written independently of the adapters."""
    text = text.strip()
    if text.casefold() == "gratis":
        return 0
    digits = re.sub(r"^Rp\s*", "", text)
    thousands = "." if decimal_mark == "," else ","
    if not re.fullmatch(rf"\d{{1,3}}(?:\{thousands}\d{{3}})*(?:\{decimal_mark}\d+)?|\d+(?:\{decimal_mark}\d+)?",
                        digits):
        raise ValueError(text)
    amount = Decimal(digits.replace(thousands, "").replace(decimal_mark, "."))
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def assert_price(record: CourseRecord, text: str, decimal_mark: str) -> None:
    if record.bad_price:
        with pytest.raises(ValueError):
            rupiah(text, decimal_mark)
    else:
        assert rupiah(text, decimal_mark) == record.price, (record.id, text)


async def get_json(http: aiohttp.ClientSession, url: str, **kwargs: Any) -> tuple[Any, aiohttp.ClientResponse]:
    async with http.get(url, **kwargs) as response:
        assert response.status == 200, await response.text()
        return orjson.loads(await response.read()), response


# -- tokopedia --------------------------------------------------------------------------------------

async def test_tokopedia_pages_by_number_with_a_bearer_key(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    auth = {"Authorization": f"Bearer {sandbox.api_keys['tokopedia']}"}
    url = sandbox.urls["tokopedia"] + "/v1/prakerja/products"
    products: list[dict[str, Any]] = []
    page = 1
    while True:
        body, _ = await get_json(http, url, params={"page": page, "per_page": 37}, headers=auth)
        assert body["header"]["error_code"] == ""
        assert body["data"]["page"] == page
        products += body["data"]["products"]
        if page >= body["data"]["total_pages"]:
            break
        page += 1
    records = sandbox.catalogue.by_platform["tokopedia"]
    assert [p["product_id"] for p in products] == [int(r.listing_id) for r in records]
    for record, product in zip(records, products, strict=True):
        assert set(product) == {"product_id", "name", "shop", "price", "category_breadcrumb", "rating",
                                "product_type", "bundle_items", "status", "url", "description_html",
                                "duration_hours", "delivery", "syllabus", "has_post_test"}
        assert isinstance(product["price"], int) and product["price"] == record.price
        assert product["category_breadcrumb"].rsplit(" > ", 1)[1] == record.platform_category
        assert product["product_type"] == ("BUNDLE" if record.is_bundle else "SINGLE")
        assert product["bundle_items"] == [int(c) for c in record.components]
        assert product["status"] == ("ACTIVE" if record.active else "INACTIVE")
        assert product["shop"].get("nib") == record.provider_nib
        assert product["rating"]["count"] == (record.rating.count if record.rating else 0)
        assert product["delivery"] in {"VIDEO", "WEBINAR", "OFFLINE"}
    assert any("nib" not in p["shop"] for p in products) and any(p["shop"].get("nib", 1) is None for p in products)


async def test_tokopedia_refuses_a_missing_or_wrong_key(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    url = sandbox.urls["tokopedia"] + "/v1/prakerja/products?page=1&per_page=10"
    key = sandbox.api_keys["tokopedia"]
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": key}, {"X-Api-Key": key}):
        async with http.get(url, headers=headers) as response:
            assert response.status == 401
    async with http.get(url, headers={"Authorization": f"bearer {key}"}) as response:
        assert response.status == 200  # the auth scheme is case-insensitive
    sandbox.api_keys["tokopedia"] = ""
    async with http.get(url) as response:
        assert response.status == 200  # no key configured: none required
    async with http.get(url.replace("per_page=10", "per_page=0")) as response:
        assert response.status == 400


# -- skillacademy -----------------------------------------------------------------------------------

async def test_skillacademy_follows_an_opaque_cursor(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    auth = {"X-Api-Key": sandbox.api_keys["skillacademy"]}
    url = sandbox.urls["skillacademy"] + "/api/v1/courses"
    items: list[dict[str, Any]] = []
    params = {"limit": "50"}
    while True:
        body, _ = await get_json(http, url, params=params, headers=auth)
        items += body["items"]
        if body["nextCursor"] is None:
            break
        assert orjson.loads(base64.urlsafe_b64decode(body["nextCursor"] + "==")) == {"offset": len(items)}
        params = {"limit": "50", "cursor": body["nextCursor"]}
    records = sandbox.catalogue.by_platform["skillacademy"]
    assert [i["id"] for i in items] == [r.listing_id for r in records]
    labels = set()
    for record, item in zip(records, items, strict=True):
        assert_price(record, item["priceLabel"], ",")
        labels.add(re.sub(r"\d", "9", item["priceLabel"]))
        assert item["productType"] == ("PACKAGE" if record.is_bundle else "COURSE")
        assert item["packageCourseIds"] == list(record.components)
        assert item["isPublished"] is record.active
        assert record.url == f"https://skillacademy.com/kelas/{item['slug']}"
        assert [c["chapterTitle"] for c in item["curriculum"]] == list(record.syllabus)
        assert item["assessment"]["postTest"] is record.has_final_assessment
        assert item["learningMode"] in {"SELF_PACED", "LIVE_CLASS", "OFFLINE_CLASS"}
        assert item["ratingAvg"] is None or re.fullmatch(r"\d\.\d\d", item["ratingAvg"])
        assert item["category"]["name"] == record.platform_category
        assert record.duration_hours is not None and item["durationMinutes"] == record.duration_hours * 60
    assert {"Gratis", "Rp 999.999", "Rp999.999"} <= labels
    async with http.get(url, params={"cursor": "not-a-cursor"}, headers=auth) as response:
        assert response.status == 400
    async with http.get(url) as response:
        assert response.status == 401


# -- maubelajarapa ----------------------------------------------------------------------------------

async def test_maubelajarapa_links_the_next_page_absolutely(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    url: str | None = sandbox.urls["maubelajarapa"] + "/api/v2/kelas?halaman=1"
    items: list[dict[str, Any]] = []
    while url:
        body, response = await get_json(http, url)
        assert isinstance(body, list)
        items += body
        links = dict(
            (rel, target) for target, rel in re.findall(r'<([^>]+)>;\s*rel="(\w+)"', response.headers.get("Link", ""))
        )
        assert ("prev" in links) == (len(items) > len(body))
        url = links.get("next")
        assert url is None or url.startswith(sandbox.urls["maubelajarapa"] + "/api/v2/kelas?")
    records = sandbox.catalogue.by_platform["maubelajarapa"]
    assert [i["kode"] for i in items] == [r.listing_id for r in records]
    for record, item in zip(records, items, strict=True):
        assert item["harga"] == record.price
        assert item["jenis"] == ("paket" if record.is_bundle else "satuan")
        assert item["isi_paket"] == list(record.components)
        assert item["aktif"] is record.active
        assert item["penyelenggara"]["nib"] == (record.provider_nib or "")
        assert item["metode"] in {"daring", "webinar", "luring"}
        assert (item["penilaian"]["jumlah"] == 0) == (record.rating is None)


# -- bukalapak --------------------------------------------------------------------------------------

async def test_bukalapak_pages_by_offset_and_marks_bundles_by_items(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    auth = {"X-Api-Key": sandbox.api_keys["bukalapak"]}
    url = sandbox.urls["bukalapak"] + "/prakerja/v2/trainings"
    items: list[dict[str, Any]] = []
    offset = 0
    while True:
        body, _ = await get_json(http, url, params={"offset": offset, "limit": 50}, headers=auth)
        assert body["meta"]["offset"] == offset and body["meta"]["limit"] == 50
        items += body["data"]
        offset += 50
        if offset >= body["meta"]["total"]:
            break
    records = sandbox.catalogue.by_platform["bukalapak"]
    assert [i["id"] for i in items] == [r.listing_id for r in records]
    for record, item in zip(records, items, strict=True):
        assert item["price"]["currency"] == "IDR"
        assert_price(record, item["price"]["amount"], ".")
        assert (len(item["items"]) > 1) == record.is_bundle
        assert item["state"] == ("published" if record.active else "archived")
        modules = [re.sub(r"^Modul \d+:\s*", "", line) for line in item["outline"].splitlines() if line.strip()]
        assert modules == list(record.syllabus)
        assert ("post_test" in item["evaluation"]) is record.has_final_assessment
        assert item["category"] == record.platform_category
        assert (item["rating"] is None) == (record.rating is None)
    assert any(i["price"]["amount"].endswith(".60") for i in items), "fractions of a rupiah, to be rounded"
    async with http.get(url, headers={"X-Api-Key": "wrong"}) as response:
        assert response.status == 401


# -- pintaria ---------------------------------------------------------------------------------------

async def test_pintaria_serves_one_xml_document_matching_the_catalogue(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    async with http.get(sandbox.urls["pintaria"] + "/feeds/prakerja.xml") as response:
        assert response.status == 200
        assert response.content_type == "application/xml"
        text = await response.text()
    assert "<![CDATA[" in text
    root = ElementTree.fromstring(text.encode())
    assert root.tag == "catalog" and root.get("generated")
    courses = root.findall("course")
    records = sandbox.catalogue.by_platform["pintaria"]
    assert [c.get("id") for c in courses] == [r.listing_id for r in records]
    units = set()
    for record, course in zip(records, courses, strict=True):
        assert course.get("type") == ("paket" if record.is_bundle else "single")
        assert course.findtext("title") == record.title
        provider = course.find("provider")
        assert provider is not None and provider.text == record.provider_name
        assert provider.get("nib") == record.provider_nib
        assert_price(record, course.findtext("price") or "", ",")
        assert course.findtext("category") == record.platform_category
        assert course.findtext("status") == ("aktif" if record.active else "nonaktif")
        assert [m.text for m in course.iterfind("syllabus/module")] == list(record.syllabus)
        assert bool(course.findtext("assessment")) is record.has_final_assessment
        assert [r.get("id") for r in course.iterfind("components/ref")] == list(record.components)
        assert course.findtext("description") == record.description
        rating = course.find("rating")
        if record.rating is None:
            assert rating is None
        else:
            assert rating is not None and rating.text is not None and "." not in rating.text
            assert float(rating.text.replace(",", ".")) == record.rating.average
        duration = course.find("duration")
        assert duration is not None and duration.text is not None
        units.add(duration.get("unit"))
        factor = 1 if duration.get("unit") == "jam" else 60
        assert int(duration.text) / factor == record.duration_hours
    assert units == {"jam", "menit"}


async def test_pintaria_answers_304_while_unchanged(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    url = sandbox.urls["pintaria"] + "/feeds/prakerja.xml"
    async with http.get(url) as response:
        etag = response.headers["ETag"]
    async with http.get(url, headers={"If-None-Match": etag}) as response:
        assert response.status == 304
        assert await response.read() == b""
    async with http.get(url, headers={"If-None-Match": '"something-else"'}) as response:
        assert response.status == 200
    sandbox.replace_catalogue(generate(300, seed=99))
    async with http.get(url, headers={"If-None-Match": etag}) as response:
        assert response.status == 200, "a new catalogue is a new document"
        assert response.headers["ETag"] != etag


# -- sekolahmu --------------------------------------------------------------------------------------

PROGRAMS = """query Programs($first: Int!, $after: String) {
  programs(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { slug title partner { name nib } price isBundle bundleContents category learningType totalHours
            rating ratingCount modules hasPostTest status descriptionHtml }
  }
}"""


async def test_sekolahmu_pages_a_graphql_connection(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    url = sandbox.urls["sekolahmu"] + "/graphql"
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        async with http.post(url, json={"query": PROGRAMS, "variables": {"first": 40, "after": after}}) as response:
            assert response.status == 200
            body = await response.json()
        assert "errors" not in body
        connection = body["data"]["programs"]
        nodes += connection["nodes"]
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    records = sandbox.catalogue.by_platform["sekolahmu"]
    assert [n["slug"] for n in nodes] == [r.listing_id for r in records]
    for record, node in zip(records, nodes, strict=True):
        assert node["price"] == record.price and node["isBundle"] is record.is_bundle
        assert node["bundleContents"] == list(record.components)
        assert node["status"] == ("PUBLISHED" if record.active else "UNPUBLISHED")
        assert node["learningType"] in {"asinkron", "sinkron", "tatap_muka"}
        assert node["totalHours"] == record.duration_hours
        assert record.url == f"https://www.sekolah.mu/program/{node['slug']}"
    assert any(n["totalHours"] is None for n in nodes) and any(n["descriptionHtml"] is None for n in nodes)


async def test_sekolahmu_answers_bad_requests_with_graphql_errors(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    url = sandbox.urls["sekolahmu"] + "/graphql"
    for payload in ({"query": PROGRAMS, "variables": {}}, {"query": "{ partners { name } }"},
                    {"query": PROGRAMS, "variables": {"first": 10, "after": "bogus"}}):
        async with http.post(url, json=payload) as response:
            body = await response.json()
        assert body["errors"], payload
    async with http.post(url, data=b"{not json") as response:
        assert response.status == 400


# -- sisnaker ---------------------------------------------------------------------------------------

async def test_sisnaker_exports_gzip_json_lines_with_some_junk(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    async with http.get(sandbox.urls["sisnaker"] + "/export/pelatihan.jsonl.gz") as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "application/gzip"
        assert "Content-Encoding" not in response.headers, "a gzip file, not a gzip transfer"
        assert response.headers["ETag"] and response.headers["Last-Modified"]
        body = await response.read()
    good, junk = [], 0
    for line in gzip.decompress(body).decode().splitlines():
        try:
            good.append(orjson.loads(line))
        except orjson.JSONDecodeError:
            junk += 1
    catalogue = sandbox.catalogue
    records = catalogue.by_platform["sisnaker"]
    assert junk == catalogue.junk_lines >= 2
    assert [g["id_pelatihan"] for g in good] == [int(r.listing_id) for r in records]
    for record, item in zip(records, good, strict=True):
        assert_price(record, item["biaya"], ",")
        assert item["tipe"] == ("PAKET" if record.is_bundle else "TUNGGAL")
        assert item["status"] == ("AKTIF" if record.active else "TIDAK AKTIF")
        assert item["jp"] * 0.75 == record.duration_hours
        assert [u["unit"] for u in item["kurikulum"]] == list(record.syllabus)
        assert item["moda"] in {"DARING", "WEBINAR", "LURING"}
        assert item["kejuruan"] == record.platform_category
    assert any(g["biaya"] == "Rp 0,00" for g in good)


async def test_sisnaker_answers_304_to_either_validator(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    url = sandbox.urls["sisnaker"] + "/export/pelatihan.jsonl.gz"
    async with http.get(url) as response:
        etag, modified = response.headers["ETag"], response.headers["Last-Modified"]
    for headers in ({"If-None-Match": etag}, {"If-Modified-Since": modified}):
        async with http.get(url, headers=headers) as response:
            assert response.status == 304, headers
    sandbox.replace_catalogue(generate(300, seed=98))
    for headers in ({"If-None-Match": etag}, {"If-Modified-Since": modified}):
        async with http.get(url, headers=headers) as response:
            assert response.status == 200, headers


# -- pijarmahir -------------------------------------------------------------------------------------

async def test_pijarmahir_serves_json_api_with_included_providers(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    base = sandbox.urls["pijarmahir"]
    url: str | None = base + "/jsonapi/courses?page[number]=1&page[size]=50&include=provider"
    data: list[dict[str, Any]] = []
    providers: dict[str, dict[str, Any]] = {}
    while url:
        body, _ = await get_json(http, url)
        assert body["meta"]["total"] == len(sandbox.catalogue.by_platform["pijarmahir"])
        providers |= {p["id"]: p["attributes"] for p in body["included"] if p["type"] == "providers"}
        for course in body["data"]:
            assert course["relationships"]["provider"]["data"]["id"] in providers
        data += body["data"]
        url = body["links"]["next"]
        assert url is None or url.startswith(base + "/jsonapi/courses?")
    records = sandbox.catalogue.by_platform["pijarmahir"]
    assert [c["id"] for c in data] == [r.listing_id for r in records]
    for record, course in zip(records, data, strict=True):
        attributes = course["attributes"]
        provider = providers[course["relationships"]["provider"]["data"]["id"]]
        assert provider == {"name": record.provider_name, "nib": record.provider_nib}
        assert attributes["course_kind"] == ("bundle" if record.is_bundle else "single")
        assert [m["id"] for m in course["relationships"]["bundle_members"]["data"]] == list(record.components)
        assert attributes["status"] == "live" if record.active else attributes["status"] in {"draft", "retired"}
        assert hours_of(attributes["duration"]) == record.duration_hours
        assert attributes["delivery_method"] in {"self-paced", "live-online", "classroom"}


def hours_of(duration: str | None) -> float | None:
    if duration is None:
        return None
    match = re.fullmatch(r"P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?", duration)
    assert match, duration
    days, hours, minutes = (int(g or 0) for g in match.groups())
    return days * 24 + hours + minutes / 60



def test_iso_durations() -> None:
    assert iso_duration(12.5, days=False) == "PT12H30M"
    assert iso_duration(0.75, days=True) == "PT45M"
    assert iso_duration(26, days=True) == "P1DT2H"
    assert iso_duration(48, days=True) == "P2D"
    assert iso_duration(26, days=False) == "PT26H"
    assert iso_duration(0, days=False) == "PT0M"
    assert iso_duration(None, days=False) is None


# -- the standard feed ------------------------------------------------------------------------------

async def test_the_standard_feed_pages_by_token(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    url = sandbox.urls["karirmu"] + "/prakerja-feed/v1/courses"
    courses: list[dict[str, Any]] = []
    token: str | None = ""
    while token is not None:
        body, _ = await get_json(http, url, params={"page_token": token})
        courses += body["courses"]
        token = body["next_page_token"]
    records = sandbox.catalogue.by_platform["karirmu"]
    assert [c["id"] for c in courses] == [r.listing_id for r in records]
    for record, course in zip(records, courses, strict=True):
        assert set(course) == {"id", "title", "provider", "price", "category", "method", "duration_hours", "rating",
                               "syllabus", "has_final_assessment", "is_bundle", "active", "url", "description"}
        assert course["method"] == record.method and course["price"] == record.price
        assert course["is_bundle"] is record.is_bundle and course["active"] is record.active


async def test_a_mangled_price_is_text_where_a_number_belongs(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    record = sandbox.catalogue.by_platform["karirmu"][0]
    sandbox.replace_catalogue(sandbox.catalogue.with_records([dataclasses.replace(record, bad_price=True)]))
    body, _ = await get_json(http, sandbox.urls["karirmu"] + "/prakerja-feed/v1/courses")
    price = body["courses"][0]["price"]
    assert isinstance(price, str) and not price.isdigit()


# -- run-time catalogue swaps -----------------------------------------------------------------------

async def test_a_replaced_catalogue_is_served_from_the_next_request(
    sandbox: Sandbox, http: aiohttp.ClientSession, catalogue: DemoCatalogue
) -> None:
    record = catalogue.on_sale("karirmu")[0]
    changed = catalogue.with_records([dataclasses.replace(record, price=record.price + 5000)])
    sandbox.replace_catalogue(changed)
    body, _ = await get_json(http, sandbox.urls["karirmu"] + "/prakerja-feed/v1/courses")
    served = next(c for c in body["courses"] if c["id"] == record.listing_id)
    assert served["price"] == record.price + 5000


# -- shared formatting -----------------------------------------------------------------------------


def test_amounts_use_dots_for_thousands() -> None:
    assert dotted(0) == "0"
    assert dotted(999) == "999"
    assert dotted(1_500_000) == "1.500.000"


def test_mangled_prices_never_read_as_a_number() -> None:
    record = generate(20, seed=1).records[0]
    for n in range(40):
        text = garbled("Rp 1.500.000", dataclasses.replace(record, listing_id=str(n)))
        assert text == "hubungi kami" or ("O" in text and text.replace("O", "0") == "Rp 1.500.000")
    assert garbled("Rp 1.555.555", record) == "hubungi kami"  # no zero to mistype
