"""The page in Debian's Chromium, driven by Playwright: what it logged and fetched, and a screenshot of each step."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, expect

CHROMIUM: Final = Path("/usr/bin/chromium")
"""Debian's package (``apt-get install -y chromium``), never a browser Playwright downloads."""

ARGS: Final = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]

VIEWPORTS: Final[dict[str, dict[str, Any]]] = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}

ARTIFACTS: Final = Path(__file__).resolve().parents[2] / "artifacts"
"""tests/artifacts/, ignored by git: the screenshots of every run."""

WAIT_MS: Final = 20_000
"""How long a step may take to show before the test gives up: a bound on a hang, never a speed requirement."""
expect.set_options(timeout=WAIT_MS)


class Visit:
    """One page of the gateway open at one viewport, recording every console error, uncaught exception and request
    that leaves the gateway."""

    def __init__(self, page: Page, base_url: str, screenshots: Path) -> None:
        self.page = page
        self.base_url = base_url
        self.screenshots = screenshots
        self.viewport = screenshots.name
        self.problems: list[str] = []
        self._expected: list[re.Pattern[str]] = []
        self._steps = 0
        page.set_default_timeout(WAIT_MS)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"uncaught: {error}"))
        page.on("request", self._request)

    def open(self) -> None:
        self.page.goto(f"{self.base_url}/")
        self.page.locator("#daftar-kursus[aria-busy=false] .card").first.wait_for()

    def step(self, name: str) -> None:
        """A screenshot of the whole page, numbered in the order of the steps."""
        self._steps += 1
        self.screenshots.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=self.screenshots / f"{self._steps:02d}-{name}.png", full_page=True)

    def expect_console_error(self, pattern: str) -> None:
        """A console error the test provokes on purpose (Chromium logs every HTTP error status a fetch meets)."""
        self._expected.append(re.compile(pattern))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and not any(p.search(message.text) for p in self._expected):
            self.problems.append(f"console: {message.text}")

    def _request(self, request: Request) -> None:
        if not request.url.startswith(f"{self.base_url}/"):
            self.problems.append(f"request outside the gateway: {request.url}")


def open_visit(request: pytest.FixtureRequest, browser: Browser, base_url: str) -> Iterator[Visit]:
    """A fresh browser context at the viewport the test is parametrized with; no console error allowed."""
    viewport = request.param
    context = browser.new_context(**VIEWPORTS[viewport])
    try:
        visit = Visit(context.new_page(), base_url, ARTIFACTS / request.node.originalname / viewport)
        yield visit
        assert visit.problems == [], visit.problems
    finally:
        context.close()
