"""What the README and docs/ tell a newcomer holds: the configuration example runs as copied, every feed is
documented."""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from pathlib import Path
from typing import Any, get_type_hints

import httpx
import pytest

from adapters import ADAPTERS
from core.config import Config, PlatformConfig, parse_config
from sandbox import SandboxThread
from tests.harness import GatewayThread

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def configuration_example() -> dict[str, Any]:
    [block] = re.findall(r"^```toml\n(.*?)^```", README.split("## Configuration", 1)[1], re.MULTILINE | re.DOTALL)[:1]
    return tomllib.loads(block)


def test_the_configuration_example_needs_no_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [name for name in os.environ if name.endswith("_API_KEY")]:
        monkeypatch.delenv(name)
    config = parse_config(configuration_example())
    assert len(config.enabled_platforms) == 9


def test_the_configuration_example_shows_every_key_of_every_section() -> None:
    example = configuration_example()
    for section, hint in get_type_hints(Config).items():
        if section != "platforms":
            assert {f.name for f in dataclasses.fields(hint)} == set(example[section]), section


def test_the_configuration_example_shows_every_per_platform_key() -> None:
    shown = {key for table in configuration_example()["platforms"].values() for key in table}
    keys = {f.name for f in dataclasses.fields(PlatformConfig)} - {"slug", "api_key_env"}
    assert keys <= shown
    assert "api_key_env" in README.split("## Configuration", 1)[1].split("```", 2)[1]  # as a comment


def test_the_configuration_example_serves_every_platform_of_the_sandbox() -> None:
    example = configuration_example()
    with SandboxThread(courses=200) as upstreams:
        # The example names the sandbox's default ports; this sandbox listens on free ones.
        for slug, table in example["platforms"].items():
            table["base_url"] = upstreams.urls[slug]
        example["participants"]["base_url"] = upstreams.urls["participants"]
        with GatewayThread(example) as gateway:
            gateway.wait_ready()
            query = "{ platforms { slug status } }"
            platforms = httpx.post(f"{gateway.url}/graphql", json={"query": query}).json()["data"]["platforms"]
    assert {p["slug"]: p["status"] for p in platforms} == {slug: "OK" for slug in example["platforms"]}


def test_every_feed_format_is_documented_with_its_adapter() -> None:
    platforms = (ROOT / "docs" / "platforms.md").read_text(encoding="utf-8")
    for name in ADAPTERS:
        assert f"`adapters/{name}.py`" in platforms, name
