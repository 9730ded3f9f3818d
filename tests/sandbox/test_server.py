"""The sandbox as a whole: ports, life cycle, the gateway configuration it hands out, the thread wrapper, the CLI."""

from __future__ import annotations

import asyncio
import json
import tomllib
import urllib.error
import urllib.request
from typing import Any

import pytest

from core.config import parse_config
from sandbox import DEMO_PARTICIPANTS, PLATFORMS, Fault, Participant, Sandbox, SandboxThread, generate
from sandbox.server import config_toml, describe, run_sandbox_forever

from .conftest import free_port_base


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_the_gateway_configuration_names_every_upstream(sandbox: Sandbox) -> None:
    config = sandbox.gateway_config()
    assert config["participants"] == {"base_url": sandbox.urls["participants"]}
    assert list(config["platforms"]) == list(PLATFORMS)
    for slug, section in config["platforms"].items():
        assert section["base_url"] == sandbox.urls[slug] and not section["base_url"].endswith("/")
        assert section["api_key"] == sandbox.api_keys.get(slug, "")
    assert config["platforms"]["karirmu"]["adapter"] == "standard"
    assert config["platforms"]["karirmu"]["name"] == "Karier.mu"
    assert {s for s, p in config["platforms"].items() if p["api_key"]} == {"tokopedia", "skillacademy", "bukalapak"}
    parsed = parse_config(config)  # the gateway's own parser accepts it
    assert [p.slug for p in parsed.platforms] == list(PLATFORMS)


def test_overrides_merge_deeply_and_none_removes(sandbox: Sandbox) -> None:
    config = sandbox.gateway_config(
        catalogue={"refresh_interval_s": 1},
        platforms={"pintaria": {"suspended": True}, "karirmu": None},
        participants={"timeout_s": 0.5},
    )
    assert config["catalogue"] == {"refresh_interval_s": 1}
    assert config["platforms"]["pintaria"] == {"base_url": sandbox.urls["pintaria"], "api_key": "",
                                               "suspended": True}
    assert "karirmu" not in config["platforms"]
    assert config["participants"] == {"base_url": sandbox.urls["participants"], "timeout_s": 0.5}
    assert parse_config(config).catalogue.refresh_interval_s == 1


def test_the_configuration_reads_back_as_toml(sandbox: Sandbox) -> None:
    config = sandbox.gateway_config(limits={"max_depth": 8}, server={"cors_origins": ["http://a.test"]})
    assert tomllib.loads(config_toml(config)) == config
    text = describe(sandbox)
    assert all(url in text for url in sandbox.urls.values())
    assert all(token in text for token in DEMO_PARTICIPANTS)


async def test_a_port_base_lays_the_upstreams_out_in_order() -> None:
    base = free_port_base()
    sandbox = Sandbox(generate(60, seed=2))
    await sandbox.start(port_base=base)
    try:
        assert sandbox.urls == {
            "participants": f"http://127.0.0.1:{base}",
            **{slug: f"http://127.0.0.1:{base + n}" for n, slug in enumerate(PLATFORMS, start=1)},
        }
        with pytest.raises(RuntimeError):
            await sandbox.start(port_base=base)
    finally:
        await sandbox.stop()
    assert sandbox.urls == {}
    await sandbox.stop()  # stopping twice is harmless


async def test_a_port_in_use_fails_the_start_and_releases_the_rest() -> None:
    base = free_port_base()
    async with Sandbox(generate(30, seed=2)) as first:
        busy = int(first.urls["participants"].rsplit(":", 1)[1])
        second = Sandbox(generate(30, seed=2))
        with pytest.raises(OSError):
            await second.start(port_base=busy)
        assert second.urls == {}
    third = Sandbox(generate(30, seed=2))
    await third.start(port_base=base)  # nothing left bound by the failed start
    await third.stop()


async def test_stopping_ends_hanging_requests_promptly() -> None:
    sandbox = Sandbox(generate(30, seed=2))
    await sandbox.start()
    sandbox.faults["pintaria"] = Fault(hang=True)
    _, writer = await asyncio.open_connection("127.0.0.1", int(sandbox.urls["pintaria"].rsplit(":", 1)[1]))
    writer.write(b"GET /feeds/prakerja.xml HTTP/1.1\r\nHost: x\r\n\r\n")
    await writer.drain()
    await asyncio.sleep(0.05)
    loop = asyncio.get_running_loop()
    started = loop.time()
    await sandbox.stop()
    assert loop.time() - started < 2
    writer.close()


def test_sandbox_thread_serves_synchronous_tests() -> None:
    with SandboxThread(generate(120, seed=4)) as thread:
        feed = thread.urls["karirmu"] + "/prakerja-feed/v1/courses"
        status, body = fetch(feed)
        assert status == 200 and json.loads(body)["courses"]

        thread.set_fault("karirmu", Fault(status=503, times=1))
        assert fetch(feed)[0] == 503
        assert fetch(feed)[0] == 200
        thread.set_fault("karirmu", Fault(status=500))
        thread.set_fault("karirmu", None)
        assert fetch(feed)[0] == 200

        thread.replace_catalogue(generate(10, seed=5))
        courses: list[dict[str, Any]] = json.loads(fetch(feed)[1])["courses"]
        assert [c["id"] for c in courses] == [r.listing_id for r in thread.catalogue.by_platform["karirmu"]]

        thread.add_participant("t-thread", Participant())
        me = thread.urls["participants"] + "/v1/participants/me"
        assert fetch(me, {"Authorization": "Bearer t-thread"})[0] == 200
        thread.remove_participant("t-thread")
        assert fetch(me, {"Authorization": "Bearer t-thread"})[0] == 401

        thread.set_api_key("pintaria", "k")
        assert fetch(thread.urls["pintaria"] + "/feeds/prakerja.xml")[0] == 401
        assert fetch(thread.urls["pintaria"] + "/feeds/prakerja.xml", {"X-Api-Key": "k"})[0] == 200
        assert thread.gateway_config()["platforms"]["pintaria"]["api_key"] == "k"
    with pytest.raises(OSError):
        fetch(feed)


def test_the_sandbox_counts_the_requests_each_upstream_receives() -> None:
    with SandboxThread(generate(30, seed=4)) as thread:
        feed = thread.urls["karirmu"] + "/prakerja-feed/v1/courses"
        thread.set_fault("karirmu", Fault(status=500, times=1))
        assert [fetch(feed)[0], fetch(feed)[0]] == [500, 200]
        assert fetch(thread.urls["karirmu"] + "/_sandbox/fault")[0] == 200  # control endpoints are not counted
        assert thread.request_count("karirmu") == 2
        assert thread.request_count("pintaria") == thread.request_count("participants") == 0


async def test_run_sandbox_forever_prints_its_urls(capsys: pytest.CaptureFixture[str]) -> None:
    base = free_port_base()
    task = asyncio.create_task(run_sandbox_forever(base, courses=50))
    printed = ""
    for _ in range(250):
        await asyncio.sleep(0.02)
        printed += capsys.readouterr().out
        if "[platforms.karirmu]" in printed:
            break
    else:
        pytest.fail("the sandbox did not print its configuration")
    assert f"http://127.0.0.1:{base}" in printed and f"http://127.0.0.1:{base + 9}" in printed
    assert all(token in printed for token in DEMO_PARTICIPANTS)
    assert (await asyncio.to_thread(fetch, f"http://127.0.0.1:{base + 9}/prakerja-feed/v1/courses"))[0] == 200
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
