"""The shared base: price forms, HTTP failures and retries, conditional requests, the API key."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Sequence
from typing import Any

import orjson
import pytest

from adapters import ADAPTERS
from adapters.base import Adapter, FeedError, ListingError, TransientFeedError, provider, required_text, rupiah
from core.domain import OFFICIAL_CATEGORIES, LearningMethod, Listing

from .conftest import Reply, Upstream, json_reply


class Tiny(Adapter):
    """The least adapter: one JSON array at /feed of {"id", "title", "price"}; "active": false leaves one out."""

    default_name = "Tiny"

    async def pages(self) -> AsyncIterator[Sequence[Any]]:
        yield (await self.get("/feed")).json()

    def parse(self, raw: Any) -> Listing | None:
        if raw.get("active") is False:
            return None
        return Listing(
            platform=self.slug, listing_id=str(raw["id"]), title=required_text(raw["title"], "title"),
            description=raw.get("description"), provider=provider("LPK Tiny", None),
            price=rupiah(raw["price"], decimal_mark=","), category="Lainnya", method=LearningMethod.SELF_PACED,
            duration_hours=None, rating=None, syllabus=(), has_final_assessment=False, url=None,
        )


class ConditionalTiny(Tiny):
    conditional = True


class EndlessTiny(Tiny):
    """A feed that always has one page more: /feed?page=N."""

    def pages(self) -> AsyncIterator[Sequence[Any]]:
        return self.walk(1, self._page)

    async def _page(self, number: int) -> tuple[Any, int]:
        return (await self.get("/feed", {"page": str(number)})).json(), number + 1


FEED = [{"id": 1, "title": "Public Speaking untuk Pemula", "price": "Rp 1.000.000"}]


# -- prices (rules.md §6) ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "decimal_mark"),
    [
        ("Rp 1.500.000", ","),  # Skill Academy
        ("Rp1.500.000", ","),  # Skill Academy, no space
        ("Rp1.500.000,00", ","),  # Sisnaker
        ("1500000.00", "."),  # Bukalapak
        ("1.500.000", ","),  # Pintaria
        ("1500000", "."),
        (" Rp. 1.500.000 ", ","),
    ],
)
def test_every_price_form_parses_to_the_same_whole_rupiah(text, decimal_mark):
    assert rupiah(text, decimal_mark=decimal_mark) == 1_500_000


def test_free_and_zero_prices_are_zero():
    assert rupiah("Gratis", decimal_mark=",") == 0
    assert rupiah("Rp 0,00", decimal_mark=",") == 0
    assert rupiah("0", decimal_mark=",") == 0
    assert rupiah(0, decimal_mark=".") == 0


def test_numbers_are_taken_as_they_are():
    assert rupiah(299000, decimal_mark=".") == 299_000
    assert rupiah(299000, decimal_mark=",") == 299_000
    assert rupiah(350000.0, decimal_mark=".") == 350_000


@pytest.mark.parametrize(
    ("value", "decimal_mark", "expected"),
    [
        ("Rp1.000.000,50", ",", 1_000_001),
        ("Rp1.000.000,49", ",", 1_000_000),
        ("350000.50", ".", 350_001),
        ("350000.499", ".", 350_000),
        (299000.5, ".", 299_001),
        (299000.4, ".", 299_000),
    ],
)
def test_a_fraction_of_a_rupiah_is_rounded_to_the_nearest(value, decimal_mark, expected):
    assert rupiah(value, decimal_mark=decimal_mark) == expected


@pytest.mark.parametrize(
    ("value", "decimal_mark"),
    [
        ("1.000.000", "."),  # dotted thousands read with a decimal point: not a price
        ("Rp 1.50.000", ","),
        ("Rp 1.5", ","),
        ("350,000,00", ","),
        ("USD 20", "."),
        ("", ","),
        ("-5000", "."),
        (-5000, "."),
        (None, "."),
        (True, "."),
        (float("nan"), "."),
        ([150000], "."),
    ],
)
def test_an_unreadable_price_is_a_bad_listing(value, decimal_mark):
    with pytest.raises(ListingError):
        rupiah(value, decimal_mark=decimal_mark)


def test_a_price_in_another_currency_is_a_bad_listing():
    assert rupiah("350000.00", decimal_mark=".", currency="IDR") == 350_000
    with pytest.raises(ListingError):
        rupiah("350000.00", decimal_mark=".", currency="USD")


# -- one refresh ------------------------------------------------------------------------------------


async def test_a_bad_listing_is_skipped_and_counted_and_an_inactive_one_left_out(upstream: Upstream):
    upstream.on("/feed", json_reply([
        *FEED,
        {"id": 2, "title": "Harga Rusak", "price": "satu juta"},
        {"id": 3, "price": "Rp 10.000"},
        {"id": 4, "title": "Kelas Lama", "price": "Rp 10.000", "active": False},
        "not even an object",
    ]))
    result = await upstream.fetch(Tiny)
    assert [listing.title for listing in result.listings] == ["Public Speaking untuk Pemula"]
    assert result.listings[0].price == 1_000_000
    assert result.skipped == 3


async def test_a_page_that_is_not_a_list_fails_the_refresh(upstream: Upstream):
    upstream.on("/feed", json_reply({"error": "maintenance"}))
    with pytest.raises(FeedError, match="does not hold a list"):
        await upstream.fetch(Tiny)


async def test_a_large_body_is_read_whole(upstream: Upstream):
    courses = [{"id": n, "title": f"Kelas {n}", "price": "Rp 100.000", "description": "x" * 200} for n in range(10_000)]
    upstream.on("/feed", json_reply(courses))
    result = await upstream.fetch(Tiny)
    assert len(result.listings) == 10_000


@pytest.mark.parametrize("status", [429, 503])
async def test_busy_answers_are_retried_after_retry_after(upstream: Upstream, status):
    upstream.on("/feed", Reply(b"busy", status, {"Retry-After": "0.3"}), json_reply(FEED))
    started = time.monotonic()
    result = await upstream.fetch(Tiny)
    assert time.monotonic() - started >= 0.3  # a lower bound: a slow machine only makes it truer
    assert len(result.listings) == 1
    assert len(upstream.requests) == 2


async def test_a_retry_after_beyond_the_budget_fails_at_once(upstream: Upstream):
    upstream.on("/feed", Reply(b"busy", 503, {"Retry-After": "120"}), json_reply(FEED))
    with pytest.raises(FeedError, match=r"HTTP 503: asked to retry after 120 s, beyond the refresh budget"):
        await upstream.fetch(Tiny, budget_s=2)
    assert len(upstream.requests) == 1


async def test_a_platform_that_stays_busy_fails_after_a_few_attempts(upstream: Upstream):
    upstream.on("/feed", Reply(b"busy", 429, {"Retry-After": "0"}))
    with pytest.raises(FeedError, match=r"^page 1: HTTP 429 from /feed$"):
        await upstream.fetch(Tiny)
    assert 2 <= len(upstream.requests) <= 5


async def test_a_server_error_fails_the_refresh(upstream: Upstream):
    upstream.on("/feed", Reply(b"<h1>Internal Server Error</h1>", 500))
    with pytest.raises(FeedError, match=r"^page 1: HTTP 500 from /feed$"):
        await upstream.fetch(Tiny)
    assert len(upstream.requests) == 1


async def test_a_body_that_is_not_json_fails_the_refresh(upstream: Upstream):
    upstream.on("/feed", Reply(b"<html>maintenance</html>", 200, {"Content-Type": "text/html"}))
    with pytest.raises(FeedError, match=r"^page 1: the response from /feed is not valid JSON$"):
        await upstream.fetch(Tiny)


async def test_a_truncated_body_fails_the_refresh(upstream: Upstream):
    body = orjson.dumps(FEED)
    upstream.on("/feed", Reply(body[:20], declared_length=len(body)))
    with pytest.raises(FeedError, match=r"^page 1: the response from /feed was cut off$"):
        await upstream.fetch(Tiny)


async def test_a_platform_that_hangs_fails_after_its_timeout(upstream: Upstream):
    upstream.on("/feed", Reply(hang=True))
    with pytest.raises(FeedError, match=r"^page 1: no answer from /feed within 0.2 s$"):
        await upstream.fetch(Tiny, timeout_s=0.2)


async def test_a_body_that_stalls_halfway_fails_after_the_timeout(upstream: Upstream):
    body = orjson.dumps(FEED)
    upstream.on("/feed", Reply(body[:20], declared_length=len(body), hang=True))
    with pytest.raises(FeedError, match=r"^page 1: no answer from /feed within 0.2 s$"):
        await upstream.fetch(Tiny, timeout_s=0.2)


async def test_a_refresh_is_bounded_by_its_budget(upstream: Upstream):
    upstream.on("/feed", Reply(hang=True))
    with pytest.raises(FeedError, match=r"^the refresh did not finish within 0.3 s$"):
        await upstream.fetch(Tiny, timeout_s=30, budget_s=0.3)


async def test_an_unreachable_platform_fails_the_refresh(upstream: Upstream):
    adapter = upstream.adapter(Tiny, base_url="http://127.0.0.1:9")  # the discard port: nothing listens
    with pytest.raises(FeedError, match="cannot reach the platform"):
        await adapter.fetch(budget_s=2)


async def test_a_feed_crawling_page_after_page_is_bounded_by_the_budget(upstream: Upstream):
    upstream.on("/feed", Reply(orjson.dumps(FEED), delay_s=0.1))  # each page well within the timeout
    with pytest.raises(FeedError, match=r"^the refresh did not finish within 0.6 s$"):
        await upstream.adapter(EndlessTiny, timeout_s=0.5).fetch(budget_s=0.6, retries=2)
    assert len(upstream.requests) >= 3


# -- retrying a failed read -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "failure",
    [
        Reply(b"<h1>Internal Server Error</h1>", 500),
        Reply(b"Bad Gateway", 502),
        Reply(orjson.dumps(FEED)[:20], declared_length=len(orjson.dumps(FEED))),
        Reply(hang=True),
    ],
    ids=["500", "502", "truncated", "timeout"],
)
async def test_a_transient_failure_is_read_again_within_the_refresh(upstream: Upstream, failure):
    upstream.on("/feed", failure, json_reply(FEED))
    result = await upstream.adapter(Tiny, timeout_s=0.2).fetch(budget_s=3, retries=2)
    assert len(result.listings) == 1
    assert len(upstream.requests) == 2


async def test_an_unreachable_platform_is_tried_again(upstream: Upstream):
    adapter = upstream.adapter(Tiny, base_url="http://127.0.0.1:9")
    started = time.monotonic()
    with pytest.raises(TransientFeedError, match="cannot reach the platform"):
        await adapter.fetch(budget_s=3, retries=2)
    assert time.monotonic() - started >= 0.25 + 0.5  # the least of both jittered waits


async def test_a_failure_that_persists_is_retried_only_so_often(upstream: Upstream):
    upstream.on("/feed", Reply(b"<h1>Internal Server Error</h1>", 500))
    with pytest.raises(FeedError, match=r"^page 1: HTTP 500 from /feed$"):
        await upstream.adapter(Tiny).fetch(budget_s=3, retries=2)
    assert len(upstream.requests) == 3


@pytest.mark.parametrize(
    ("failure", "attempts"),
    [
        (Reply(b"unauthorised", 401), 1),
        (Reply(b"<html>maintenance</html>", 200, {"Content-Type": "text/html"}), 1),
        (json_reply({"error": "maintenance"}), 1),
        (Reply(b"busy", 429, {"Retry-After": "0"}), 4),  # already retried as the platform asked: no more
        (Reply(b"busy", 503, {"Retry-After": "0"}), 4),
    ],
    ids=["401", "not-json", "wrong-shape", "429", "503"],
)
async def test_a_failure_that_would_happen_again_is_not_retried(upstream: Upstream, failure, attempts):
    upstream.on("/feed", failure)
    with pytest.raises(FeedError) as failed:
        await upstream.adapter(Tiny).fetch(budget_s=3, retries=2)
    assert not isinstance(failed.value, TransientFeedError)
    assert len(upstream.requests) == attempts


async def test_no_retry_starts_when_its_backoff_would_outlast_the_budget(upstream: Upstream):
    upstream.on("/feed", Reply(b"<h1>Internal Server Error</h1>", 500), json_reply(FEED))
    with pytest.raises(FeedError, match=r"^page 1: HTTP 500 from /feed$"):
        await upstream.adapter(Tiny).fetch(budget_s=0.2, retries=2)
    assert len(upstream.requests) == 1


async def test_retries_of_a_hanging_platform_stay_within_the_budget(upstream: Upstream):
    upstream.on("/feed", Reply(hang=True))
    with pytest.raises(FeedError, match=r"within 0\.[36] s$"):  # the last attempt's timeout, or the budget's
        await upstream.adapter(Tiny, timeout_s=0.3).fetch(budget_s=0.6, retries=2)


# -- conditional requests -------------------------------------------------------------------------------


async def test_not_modified_keeps_the_previous_result(upstream: Upstream):
    validators = {"ETag": '"v1"', "Last-Modified": "Wed, 01 Jul 2020 03:00:00 GMT"}
    upstream.on("/feed", json_reply(FEED, headers=validators), Reply(status=304, headers={"ETag": '"v1"'}))
    adapter = upstream.adapter(ConditionalTiny)
    first = await adapter.fetch(budget_s=2)
    second = await adapter.fetch(budget_s=2)
    assert second is first
    assert "If-None-Match" not in upstream.requests[0].headers
    assert upstream.requests[1].headers["If-None-Match"] == '"v1"'
    assert upstream.requests[1].headers["If-Modified-Since"] == "Wed, 01 Jul 2020 03:00:00 GMT"


async def test_a_changed_feed_replaces_the_previous_result(upstream: Upstream):
    changed = [*FEED, {"id": 2, "title": "Dasar Pemrograman Python", "price": "Rp 275.000"}]
    upstream.on("/feed", json_reply(FEED, headers={"ETag": '"v1"'}), json_reply(changed, headers={"ETag": '"v2"'}))
    adapter = upstream.adapter(ConditionalTiny)
    await adapter.fetch(budget_s=2)
    second = await adapter.fetch(budget_s=2)
    assert [listing.price for listing in second.listings] == [1_000_000, 275_000]


async def test_validators_come_only_from_a_successful_refresh(upstream: Upstream):
    upstream.on(
        "/feed",
        json_reply(FEED, headers={"ETag": '"v1"'}),
        Reply(b'[{"id": 1, "title": "Rusak", "price": 1}', headers={"ETag": '"v2"'}),  # not JSON: the refresh fails
        Reply(status=304),
    )
    adapter = upstream.adapter(ConditionalTiny)
    first = await adapter.fetch(budget_s=2)
    with pytest.raises(FeedError):
        await adapter.fetch(budget_s=2)
    assert await adapter.fetch(budget_s=2) is first
    assert upstream.requests[2].headers["If-None-Match"] == '"v1"'


async def test_a_feed_without_conditional_requests_treats_304_as_an_error(upstream: Upstream):
    upstream.on("/feed", Reply(status=304))
    with pytest.raises(FeedError, match="HTTP 304"):
        await upstream.fetch(Tiny)


# -- the API key ----------------------------------------------------------------------------------------


async def test_the_api_key_is_sent_in_the_platforms_header(upstream: Upstream):
    upstream.on("/feed", json_reply(FEED))
    await upstream.fetch(Tiny, api_key="s3cret-key")
    assert upstream.requests[0].headers["X-Api-Key"] == "s3cret-key"
    assert "Authorization" not in upstream.requests[0].headers


async def test_no_key_header_without_a_key(upstream: Upstream):
    upstream.on("/feed", json_reply(FEED))
    await upstream.fetch(Tiny)
    assert "X-Api-Key" not in upstream.requests[0].headers


@pytest.mark.parametrize(
    "reply",
    [
        Reply(b"s3cret-key", 500),
        Reply(b"s3cret-key is not JSON", 200),
        Reply(b"busy", 503, {"Retry-After": "999"}),
        Reply(b"[", declared_length=100),
    ],
)
async def test_the_api_key_never_appears_in_an_error(upstream: Upstream, reply):
    upstream.on("/feed", reply)
    with pytest.raises(FeedError) as failure:
        await upstream.fetch(Tiny, api_key="s3cret-key", budget_s=2)
    assert "s3cret-key" not in str(failure.value)
    assert "s3cret-key" not in repr(failure.value)


# -- names and categories -------------------------------------------------------------------------------


def test_a_platforms_name_comes_from_configuration_then_the_adapter_then_the_slug(upstream: Upstream):
    assert upstream.adapter("tokopedia").name == "Tokopedia"
    assert upstream.adapter("tokopedia", name="Tokopedia Prakerja").name == "Tokopedia Prakerja"
    assert upstream.adapter("standard", slug="karirmu", name="Karier.mu").name == "Karier.mu"
    assert upstream.adapter("standard", slug="karirmu").name == "karirmu"


@pytest.mark.parametrize("name", sorted(ADAPTERS))
def test_every_category_table_maps_onto_official_categories(name):
    assert set(ADAPTERS[name].categories.values()) <= set(OFFICIAL_CATEGORIES)


def test_official_names_map_to_themselves_in_any_case_and_unknown_labels_to_lainnya(upstream: Upstream):
    adapter = upstream.adapter(Tiny)
    assert adapter.category("  teknologi   INFORMASI ") == "Teknologi Informasi"
    assert adapter.category("Astrologi") == "Lainnya"
