"""The page when things fail: platforms STALE or DOWN are shown, API errors are said in words, the page goes on."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from sandbox import DEMO_PARTICIPANT_LABELS, DemoToken, Fault, SandboxThread
from tests.gateway.ui.browser import VIEWPORTS, Visit, open_visit
from tests.harness import GatewayThread, GraphQLClient

DOWN, STALE = "pintaria", "sekolahmu"
ELIGIBLE = re.compile("^Bisa dibeli$")  # not "Tidak bisa dibeli"


@pytest.fixture(scope="module")
def troubled() -> Iterator[SandboxThread]:
    """Upstreams where one platform never answered and one stopped answering."""
    with SandboxThread(courses=300) as sandbox:
        sandbox.set_fault(DOWN, Fault(status=500))
        yield sandbox


@pytest.fixture(scope="module")
def flaky(troubled: SandboxThread) -> Iterator[GatewayThread]:
    """A gateway refreshing every second and caching no participant, so each failure shows at the next request."""
    config = troubled.gateway_config(catalogue={"refresh_interval_s": 1}, participants={"cache_ttl_s": 0})
    with GatewayThread(config, demo_participants=DEMO_PARTICIPANT_LABELS) as gateway, \
            GraphQLClient(gateway.url) as api:
        gateway.wait_ready()
        troubled.set_fault(STALE, Fault(status=500))
        deadline = time.monotonic() + 30
        while {p["slug"]: p["status"] for p in api("{ platforms { slug status } }")["platforms"]}[STALE] != "STALE":
            assert time.monotonic() < deadline, f"{STALE} did not turn STALE"
            time.sleep(0.2)
        yield gateway


@pytest.fixture(params=list(VIEWPORTS))
def visit(request: pytest.FixtureRequest, chromium: Browser, flaky: GatewayThread) -> Iterator[Visit]:
    yield from open_visit(request, chromium, flaky.url)


@pytest.fixture
def limited(troubled: SandboxThread) -> Iterator[GatewayThread]:
    """A gateway allowing three requests to /graphql from one address, then one every 20 s."""
    with GatewayThread(troubled.gateway_config(limits={"rate_limit_per_minute": 3})) as gateway:
        gateway.wait_ready()
        yield gateway


@pytest.fixture(params=list(VIEWPORTS))
def limited_visit(request: pytest.FixtureRequest, chromium: Browser, limited: GatewayThread) -> Iterator[Visit]:
    yield from open_visit(request, chromium, limited.url)


def test_stale_and_down_platforms_are_shown_not_hidden(visit: Visit) -> None:
    page = visit.page
    visit.open()
    health = page.locator("#status-platform")
    expect(health.locator(f'li[data-slug="{DOWN}"]')).to_contain_text("Tidak tersedia")
    expect(health.locator(f'li[data-slug="{STALE}"]')).to_contain_text("Data belum diperbarui")
    expect(health.locator(f'li[data-slug="{STALE}"]')).to_contain_text("data terakhir")
    if page.locator("#panel-filter").get_attribute("open") is None:
        page.locator("#panel-filter summary").click()
    expect(page.locator(f"label[for=platform-{DOWN}]")).to_contain_text("(Tidak tersedia)")
    page.locator(f"#platform-{STALE}").check()
    expect(page.locator("#daftar-kursus .card .status").first).to_have_text(" · Data belum diperbarui")
    visit.step("platform-health")


def test_an_unavailable_participant_service_is_said_and_the_page_goes_on(
        visit: Visit, troubled: SandboxThread) -> None:
    page = visit.page
    visit.open()
    page.locator("#akun-ringkas").click()
    page.locator(f'#daftar-demo button[data-token="{DemoToken.ELIGIBLE_2023.value}"]').click()
    expect(page.locator("#peserta")).to_be_visible()
    badges = page.locator("#daftar-kursus .card .badge")
    expect(badges.filter(has_text=ELIGIBLE).first).to_be_visible()
    try:
        troubled.set_fault("participants", Fault(status=503))
        page.get_by_label("Urutkan").select_option("PRICE_ASC")
        expect(page.locator('[data-subject="peserta"]')).to_contain_text("Layanan data peserta sedang tidak")
        expect(badges.filter(has_text=ELIGIBLE)).to_have_count(0)  # served as anonymous meanwhile
        expect(badges.first).to_be_visible()
        visit.step("participant-service-down")
    finally:
        troubled.set_fault("participants", None)
    page.get_by_label("Urutkan").select_option("PRICE_DESC")
    expect(page.locator('[data-subject="peserta"]')).to_have_count(0)
    expect(badges.filter(has_text=ELIGIBLE).first).to_be_visible()
    visit.step("participant-service-back")


def test_rate_limited_is_said_and_the_page_goes_on(limited_visit: Visit) -> None:
    visit, page = limited_visit, limited_visit.page
    visit.expect_console_error(r"status of 429")
    visit.open()  # the first of three requests
    for sort in ("PRICE_ASC", "PRICE_DESC"):
        page.get_by_label("Urutkan").select_option(sort)
        expect(page.locator("#daftar-kursus")).to_have_attribute("aria-busy", "false")
    shown = page.locator("#jumlah-hasil").inner_text()
    page.get_by_label("Urutkan").select_option("RATING_DESC")
    notice = page.locator('[data-subject="permintaan"]')
    expect(notice).to_contain_text("Terlalu banyak permintaan")
    expect(notice).to_contain_text("detik")
    expect(notice.get_by_role("button", name="Coba lagi")).to_be_visible()
    expect(page.locator("#jumlah-hasil")).to_have_text(shown)  # the last answer stays
    page.locator("#daftar-kursus .card input[type=checkbox]").first.check()
    expect(page.locator("#isi-baki")).to_have_text("1 dari 4 kursus dipilih untuk dibandingkan")
    visit.step("rate-limited")
