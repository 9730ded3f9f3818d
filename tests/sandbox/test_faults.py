"""Each fault type behaves as described, in-process and over HTTP, on one upstream only."""

from __future__ import annotations

import asyncio
import gzip

import aiohttp
import orjson
import pytest
from defusedxml import ElementTree

from sandbox import DemoToken, Fault, Sandbox

FEED_PATHS = {
    "maubelajarapa": "/api/v2/kelas?halaman=1",
    "pintaria": "/feeds/prakerja.xml",
    "sisnaker": "/export/pelatihan.jsonl.gz",
    "karirmu": "/prakerja-feed/v1/courses",
}


def url(sandbox: Sandbox, slug: str) -> str:
    return sandbox.urls[slug] + FEED_PATHS[slug]


async def status_of(http: aiohttp.ClientSession, target: str) -> int:
    async with http.get(target) as response:
        await response.read()
        return response.status


async def test_latency_delays_the_real_answer(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    sandbox.faults["karirmu"] = Fault(latency_s=0.5)
    with pytest.raises(asyncio.TimeoutError):  # a client that gives up sooner gets nothing
        async with http.get(url(sandbox, "karirmu"), timeout=aiohttp.ClientTimeout(total=0.1)):
            pass
    async with http.get(url(sandbox, "karirmu")) as response:
        body = await response.json()
    assert response.status == 200 and body["courses"]


@pytest.mark.parametrize("status", [500, 503, 429])
async def test_status_answers_instead_of_the_feed(sandbox: Sandbox, http: aiohttp.ClientSession, status: int) -> None:
    sandbox.faults["maubelajarapa"] = Fault(status=status, retry_after=2 if status != 500 else None)
    async with http.get(url(sandbox, "maubelajarapa")) as response:
        assert response.status == status
        assert response.headers.get("Retry-After") == (None if status == 500 else "2")


async def test_garbage_is_no_format_any_feed_uses(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    for slug in ("karirmu", "pintaria", "sisnaker"):
        sandbox.faults[slug] = Fault(garbage=True)
        async with http.get(url(sandbox, slug)) as response:
            assert response.status == 200
            body = await response.read()
        with pytest.raises(orjson.JSONDecodeError):
            orjson.loads(body)
        with pytest.raises(ElementTree.ParseError):
            ElementTree.fromstring(body)
        with pytest.raises(gzip.BadGzipFile):
            gzip.decompress(body)


@pytest.mark.parametrize("slug", ["karirmu", "pintaria", "sisnaker"])
async def test_truncated_bodies_end_short_of_their_length(
    sandbox: Sandbox, http: aiohttp.ClientSession, slug: str
) -> None:
    sandbox.faults[slug] = Fault(truncated=True, times=1)
    async with http.get(url(sandbox, slug)) as response:
        assert response.status == 200
        assert response.content_length and response.content_length > 1000
        with pytest.raises(aiohttp.ClientPayloadError):
            await response.read()
    assert await status_of(http, url(sandbox, slug)) == 200, "the next connection is served normally"


async def test_hang_never_answers_until_the_client_gives_up(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    sandbox.faults["pintaria"] = Fault(hang=True)
    with pytest.raises(asyncio.TimeoutError):
        async with http.get(url(sandbox, "pintaria"), timeout=aiohttp.ClientTimeout(total=0.3)):
            pass
    del sandbox.faults["pintaria"]
    assert await status_of(http, url(sandbox, "pintaria")) == 200


async def test_times_limits_a_fault_to_the_next_requests(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    sandbox.faults["karirmu"] = Fault(status=503, times=2)
    assert [await status_of(http, url(sandbox, "karirmu")) for _ in range(3)] == [503, 503, 200]
    assert "karirmu" not in sandbox.faults


async def test_after_lets_the_first_requests_through(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    sandbox.faults["karirmu"] = Fault(status=500, after=1, times=1)
    assert [await status_of(http, url(sandbox, "karirmu")) for _ in range(3)] == [200, 500, 200]


async def test_replay_answers_the_previous_answer_again(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    # Page 2 asked for, page 1 served: its Link header leads to page 2 again.
    first = sandbox.urls["maubelajarapa"] + "/api/v2/kelas?halaman=1"
    async with http.get(first) as response:
        page_1, link = await response.json(), response.headers["Link"]
    sandbox.faults["maubelajarapa"] = Fault(replay=True)
    async with http.get(sandbox.urls["maubelajarapa"] + "/api/v2/kelas?halaman=2") as response:
        assert response.status == 200
        assert await response.json() == page_1 and response.headers["Link"] == link


async def test_a_fault_costs_its_own_upstream_only(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    sandbox.faults["pintaria"] = Fault(status=500)
    assert await status_of(http, url(sandbox, "pintaria")) == 500
    assert await status_of(http, url(sandbox, "karirmu")) == 200
    assert await status_of(http, url(sandbox, "sisnaker")) == 200


async def test_in_band_errors_keep_http_200(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    sandbox.faults["tokopedia"] = Fault(in_band_error=True)
    headers = {"Authorization": f"Bearer {sandbox.api_keys['tokopedia']}"}
    async with http.get(sandbox.urls["tokopedia"] + "/v1/prakerja/products", headers=headers) as response:
        assert response.status == 200
        body = await response.json()
    assert body["header"]["error_code"] and body["data"]["products"]

    sandbox.faults["sekolahmu"] = Fault(in_band_error=True)
    query = {"query": "{ programs(first: $first) { nodes { slug } } }", "variables": {"first": 5}}
    async with http.post(sandbox.urls["sekolahmu"] + "/graphql", json=query) as response:
        assert response.status == 200
        body = await response.json()
    assert body["errors"] and body["data"]["programs"]["nodes"], "partial data alongside the errors"


async def test_faults_reach_the_participant_service(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    sandbox.faults["participants"] = Fault(status=503)
    headers = {"Authorization": f"Bearer {DemoToken.ELIGIBLE_2020}"}
    async with http.get(sandbox.urls["participants"] + "/v1/participants/me", headers=headers) as response:
        assert response.status == 503


async def test_faults_are_set_and_cleared_over_http(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    control = sandbox.urls["karirmu"] + "/_sandbox/fault"
    async with http.post(control, json={"status": 502, "times": 1}) as response:
        assert response.status == 200
        assert (await response.json())["fault"]["status"] == 502
    assert sandbox.faults["karirmu"] == Fault(status=502, times=1)
    async with http.get(control) as response:
        assert (await response.json())["fault"]["times"] == 1
    assert await status_of(http, url(sandbox, "karirmu")) == 502

    async with http.post(control, json={"hang": True}) as response:
        assert response.status == 200
    async with http.delete(control) as response:  # control endpoints are never faulted themselves
        assert response.status == 200
    assert "karirmu" not in sandbox.faults
    assert await status_of(http, url(sandbox, "karirmu")) == 200


async def test_bad_fault_requests_are_refused(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    sandbox.api_keys["bukalapak"] = "secret"
    control = sandbox.urls["bukalapak"] + "/_sandbox/fault"  # no api key needed for control
    for body in (b"{not json", b'{"explode": true}', b'{"status": "500"}', b'{"times": 0}', b'[]',
                 b'{"in_band_error": true}'):  # Bukalapak has no in-band error form
        async with http.post(control, data=body) as response:
            assert response.status == 400, body
    assert "bukalapak" not in sandbox.faults


def test_faults_validate_their_fields() -> None:
    for kwargs in ({"status": 42}, {"latency_s": -1.0}, {"times": 0}, {"retry_after": 1.0}, {"after": -1}):
        with pytest.raises(ValueError):
            Fault(**kwargs)
    assert Fault.from_json({"latency_s": 1, "status": 503, "retry_after": 0.5}) == Fault(1, 503, 0.5)
    assert Fault.from_json(Fault(garbage=True, times=3).to_json()) == Fault(garbage=True, times=3)
