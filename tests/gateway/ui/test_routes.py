"""The page's routes: the page and every file it loads come from the gateway; demo participants only in the demo."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from sandbox import DEMO_PARTICIPANT_LABELS, SandboxThread
from tests.harness import GatewayThread


@pytest.fixture(scope="module")
def http(gateway: GatewayThread) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=gateway.url, timeout=10) as client:
        yield client


def loaded_by(path: str, text: str) -> set[str]:
    """The files a page or module asks for, as paths from the site's root."""
    if path.endswith(".js"):
        folder = path.rsplit("/", 1)[0]
        return {f"{folder}/{name}" for name in re.findall(r'from "\./([\w.-]+\.js)"', text)}
    return {f"/{name}" for name in re.findall(r'(?:href|src)="(ui/[\w/.-]+)"', text)}


def test_the_page_and_everything_it_loads_come_from_the_gateway(http: httpx.Client) -> None:
    page = http.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<html lang="id">' in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert "http" not in "".join(re.findall(r'(?:href|src)="([^"]*)"', page.text))  # nothing from the internet
    waiting, seen = loaded_by("/", page.text), set()
    while waiting:
        path = waiting.pop()
        seen.add(path)
        answer = http.get(path)
        assert answer.status_code == 200, path
        waiting |= loaded_by(path, answer.text) - seen
    assert {"/ui/style.css", "/ui/js/main.js", "/ui/js/api.js", "/ui/js/compare.js"} <= seen


def test_a_gateway_that_is_not_the_demo_offers_no_participant(http: httpx.Client) -> None:
    answer = http.get("/ui/demo-participants.json")
    assert answer.status_code == 200 and answer.json() == []


def test_the_demo_offers_its_participants_to_sign_in_with(demo: GatewayThread) -> None:
    offered = httpx.get(f"{demo.url}/ui/demo-participants.json").json()
    assert {p["token"]: p["label"] for p in offered} == DEMO_PARTICIPANT_LABELS


def test_ui_false_serves_no_page(upstreams: SandboxThread) -> None:
    with GatewayThread(upstreams.gateway_config(server={"ui": False})) as gateway, \
            httpx.Client(base_url=gateway.url) as http:
        for path in ("/", "/ui/js/main.js", "/ui/demo-participants.json"):
            assert http.get(path).status_code == 404, path
        assert http.get("/healthz").status_code == 200
