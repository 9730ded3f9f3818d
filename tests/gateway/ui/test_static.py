"""The page (gateway/ui/static/) in headless Chromium against a live demo, at desktop and phone width: each step a
participant takes, checked against what the API answers, with a screenshot in tests/artifacts/."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Locator, expect

from sandbox import DemoToken
from tests.gateway.ui.browser import Visit
from tests.harness import GraphQLClient

COUNT = "query($filter: CourseFilter, $sort: CourseSort! = RELEVANCE, $first: Int! = 20) {"\
        " courses(filter: $filter, sort: $sort, first: $first) { totalCount"\
        " facets { platforms { value count } } edges { node { id price { formatted } } } } }"


def thousands(count: int) -> str:
    return f"{count:,}".replace(",", ".")


def found(api: GraphQLClient, token: str | None = None, **variables: Any) -> dict[str, Any]:
    result: dict[str, Any] = api(COUNT, variables, token=token)["courses"]
    return result


def shows_count(visit: Visit, count: int) -> None:
    expect(visit.page.locator("#jumlah-hasil")).to_have_text(f"{thousands(count)} kursus ditemukan")
    expect(visit.page.locator("#daftar-kursus")).to_have_attribute("aria-busy", "false")


def open_filters(visit: Visit) -> None:
    """At phone width the filters start folded away."""
    panel = visit.page.locator("#panel-filter")
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()


def cards(visit: Visit) -> Locator:
    return visit.page.locator("#daftar-kursus > .card")


def card(visit: Visit, course_id: str) -> Locator:
    return visit.page.locator(f'#daftar-kursus > .card[data-id="{course_id}"]')


def test_every_control_has_a_label_and_nothing_is_wider_than_the_screen(visit: Visit) -> None:
    visit.open()
    open_filters(visit)
    unlabelled = visit.page.evaluate("""() => [...document.querySelectorAll('input, select, button')]
        .filter(e => !(e.labels?.length || e.getAttribute('aria-label') || e.textContent.trim()))
        .map(e => e.outerHTML)""")
    assert unlabelled == []
    assert visit.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    visit.step("opened")


def test_search_as_you_type_filter_sort_and_page(visit: Visit, api: GraphQLClient) -> None:
    page = visit.page
    visit.open()
    shows_count(visit, found(api)["totalCount"])
    visit.step("opened")

    page.get_by_label("Cari kursus").press_sequentially("digital", delay=40)
    searched = found(api, filter={"search": "digital"})
    shows_count(visit, searched["totalCount"])
    visit.step("searched")

    open_filters(visit)
    platform, count = max(((f["value"], f["count"]) for f in searched["facets"]["platforms"]), key=lambda f: f[1])
    assert count > 20, "the demo catalogue should give a search more than one page on one platform"
    box = page.locator(f"#platform-{platform}")
    expect(box.locator("xpath=..")).to_contain_text(f"({thousands(count)})")  # its facet count
    box.check()
    chosen = {"search": "digital", "platforms": [platform]}
    shows_count(visit, count)
    expect(cards(visit)).to_have_count(20)
    visit.step("filtered")

    page.get_by_label("Urutkan").select_option("PRICE_ASC")
    cheapest = found(api, filter=chosen, sort="PRICE_ASC", first=40)["edges"]
    expect(cards(visit).first).to_have_attribute("data-id", cheapest[0]["node"]["id"])
    expect(cards(visit).first.locator(".price")).to_have_text(cheapest[0]["node"]["price"]["formatted"])
    visit.step("sorted")

    page.get_by_role("button", name="Muat lebih banyak").click()
    expect(cards(visit)).to_have_count(min(40, count))
    assert [c.get_attribute("data-id") for c in cards(visit).all()] == [e["node"]["id"] for e in cheapest]
    visit.step("second-page")

    page.locator("#harga-hingga500rb").check()
    shows_count(visit, found(api, filter={**chosen, "maxPrice": 500_000, "minPrice": 1})["totalCount"])
    page.locator("#rating-r40").check()
    shows_count(visit, found(api, filter={**chosen, "maxPrice": 500_000, "minPrice": 1, "minRating": 4})["totalCount"])
    visit.step("price-and-rating")


def shared_course(api: GraphQLClient) -> dict[str, Any]:
    """The most reviewed course also sold on another platform, with its offers."""
    query = """{ courses(sort: POPULARITY_DESC, first: 100) { edges { node { id title price { amount }
        platform { name } otherOffers { id url price { amount formatted } platform { name } } } } } }"""
    courses = [edge["node"] for edge in api(query)["courses"]["edges"]]
    return next(course for course in courses if course["otherOffers"])


def test_compare_two_platforms_and_their_other_offers(visit: Visit, api: GraphQLClient) -> None:
    page = visit.page
    course = shared_course(api)
    offer = course["otherOffers"][0]
    visit.open()
    page.get_by_label("Cari kursus").fill(course["title"])
    expect(card(visit, offer["id"])).to_be_visible()
    card(visit, course["id"]).get_by_label("Bandingkan").check()
    other = card(visit, offer["id"]).get_by_label("Bandingkan")
    other.focus()
    page.keyboard.press("Space")  # picked with the keyboard too
    expect(page.locator("#isi-baki")).to_have_text("2 dari 4 kursus dipilih untuk dibandingkan")
    visit.step("picked")

    page.get_by_role("button", name="Bandingkan", exact=True).click()
    table = page.locator("#tabel-perbandingan")
    expect(table.locator("thead th")).to_have_count(2)
    expect(page.locator("#judul-perbandingan")).to_be_focused()
    platform_row = table.locator("tbody tr", has=page.locator("th", has_text="Platform"))
    expect(platform_row).to_have_class("differs")
    expect(platform_row).to_contain_text(course["platform"]["name"])
    expect(platform_row).to_contain_text(offer["platform"]["name"])
    title_row = table.locator("tbody tr", has=page.locator("th", has_text="Penyedia"))
    expect(title_row).not_to_have_class("differs")  # the same course: the same provider
    visit.step("compared")

    offers = table.locator("details.offers").first
    offers.locator("summary").click()
    listed = offers.locator(f'li[data-id="{offer["id"]}"]')
    difference = offer["price"]["amount"] - course["price"]["amount"]
    words = "Harga sama" if difference == 0 else \
        f"Rp{thousands(abs(difference))} {'lebih murah' if difference < 0 else 'lebih mahal'}"
    expect(listed).to_contain_text(offer["price"]["formatted"])
    expect(listed).to_contain_text(words)
    expect(listed.get_by_role("link", name=f"Beli di {offer['platform']['name']}")).to_have_attribute(
        "href", offer["url"])
    visit.step("other-offers")


def purchased(api: GraphQLClient, token: str) -> dict[str, Any]:
    """The participant's purchase, with the eligibility they see on it."""
    viewer = api("{ viewer { cardNumber remainingBalance { formatted } purchases { courseId title } } }",
                 token=token)["viewer"]
    course_id = viewer["purchases"][0]["courseId"]
    course = api("query($id: ID!) { course(id: $id) { title eligibility { reasons { code message } } } }",
                 {"id": course_id}, token=token)["course"]
    return {**viewer, "id": course_id, **course}


def test_sign_in_as_a_demo_participant_changes_eligibility_and_sign_out_restores_it(
        visit: Visit, api: GraphQLClient) -> None:
    page = visit.page
    token = DemoToken.ALREADY_PURCHASED.value
    mine = purchased(api, token)
    visit.open()
    page.get_by_label("Cari kursus").fill(mine["title"])
    badge = card(visit, mine["id"]).locator(".eligibility")
    expect(badge).to_have_text("Masuk untuk cek kelayakan")
    expect(page.locator("#bisa-dibeli")).to_be_disabled()
    visit.step("anonymous")

    page.locator("#akun-ringkas").click()
    expect(page.locator("#peserta-demo")).to_be_visible()
    visit.step("demo-participants")
    page.locator(f'#daftar-demo button[data-token="{token}"]').click()
    panel = page.locator("#peserta")
    expect(panel).to_contain_text(mine["cardNumber"])
    assert re.fullmatch(r"\*\*\*\* \*\*\*\* \*\*\*\* \d{4}", mine["cardNumber"])  # masked by the API
    expect(panel).to_contain_text("Normal 2023")
    expect(panel).to_contain_text(mine["remainingBalance"]["formatted"])
    expect(panel.locator(f'.purchase[data-course="{mine["id"]}"]')).to_contain_text(mine["title"])
    expect(badge.locator(".badge")).to_have_text("Tidak bisa dibeli")
    (reason,) = (r for r in mine["eligibility"]["reasons"] if r["code"] == "ALREADY_PURCHASED")
    expect(badge.locator('li[data-code="ALREADY_PURCHASED"]')).to_have_text(reason["message"])
    visit.step("signed-in")

    open_filters(visit)
    page.locator("#bisa-dibeli").check()
    eligible = found(api, token, filter={"search": mine["title"], "eligibleOnly": True})["totalCount"]
    shows_count(visit, eligible) if eligible else expect(page.locator("#jumlah-hasil")).to_contain_text("Tidak ada")
    expect(card(visit, mine["id"])).to_have_count(0)
    visit.step("eligible-only")

    page.locator("#akun-ringkas").click()
    page.get_by_role("button", name="Keluar").click()
    expect(panel).to_be_hidden()
    expect(badge).to_have_text("Masuk untuk cek kelayakan")
    assert page.evaluate("sessionStorage.length") == 0
    visit.step("signed-out")


def test_a_pasted_token_shows_bundles_honoured_or_not(visit: Visit) -> None:
    page = visit.page
    visit.open()
    page.locator("#akun-ringkas").click()
    page.get_by_label("Token peserta").fill("not-a-token")
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page.locator("#token-galat")).to_contain_text("Token tidak dikenali")
    visit.step("unknown-token")

    page.get_by_label("Token peserta").fill(DemoToken.BUNDLES.value)
    page.get_by_label("Token peserta").press("Enter")
    purchases = page.locator("#pembelian .purchase")
    expect(purchases).to_have_count(5)
    expect(page.locator("#pembelian .bundle.honoured")).to_have_count(2)
    expect(page.locator("#pembelian .bundle.not-honoured")).to_have_count(3)
    expect(page.locator("#pembelian")).to_contain_text("Paket, tidak diakui")
    visit.step("bundles")


def test_at_most_four_courses_are_compared(visit: Visit) -> None:
    visit.open()
    boxes = visit.page.locator("#daftar-kursus .card .pick input")
    for n in range(4):
        boxes.nth(n).check()
    expect(visit.page.locator("#isi-baki")).to_have_text("4 dari 4 kursus dipilih untuk dibandingkan")
    expect(boxes.nth(4)).to_be_disabled()
    expect(visit.page.locator("#daftar-kursus .card .pick").nth(4)).to_contain_text("maksimal 4")
    visit.page.get_by_role("button", name="Bandingkan", exact=True).click()
    expect(visit.page.locator("#tabel-perbandingan thead th")).to_have_count(4)
    visit.page.get_by_role("button", name=re.compile("^Hapus .* dari perbandingan$")).first.click()
    expect(visit.page.locator("#tabel-perbandingan thead th")).to_have_count(3)
    expect(boxes.nth(4)).to_be_enabled()
    visit.step("three-compared")
