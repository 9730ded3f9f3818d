"""Chromium and a demo gateway for the page's tests; without Debian's chromium they are skipped, saying why."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from sandbox import DEMO_PARTICIPANT_LABELS, SandboxThread
from tests.gateway.ui.browser import ARGS, CHROMIUM, VIEWPORTS, Visit, open_visit
from tests.harness import GatewayThread, GraphQLClient


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(f"Debian's chromium is not installed ({CHROMIUM}): apt-get install -y chromium (.ci/run does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def demo(upstreams: SandboxThread) -> Iterator[GatewayThread]:
    """A gateway as ``prakerja-gateway demo`` runs it: the page offers the demo participants."""
    with GatewayThread(upstreams.gateway_config(), demo_participants=DEMO_PARTICIPANT_LABELS) as gateway:
        gateway.wait_ready()
        yield gateway


@pytest.fixture(params=list(VIEWPORTS))
def visit(request: pytest.FixtureRequest, chromium: Browser, demo: GatewayThread) -> Iterator[Visit]:
    yield from open_visit(request, chromium, demo.url)


@pytest.fixture(scope="session")
def api(demo: GatewayThread) -> Iterator[GraphQLClient]:
    """The demo gateway's API, asked directly: what the page must show."""
    with GraphQLClient(demo.url) as client:
        yield client
