"""Shared HTTP helpers: opaque cursors and conditional GETs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from sandbox.http import conditional, decode_cursor, encode_cursor


def test_cursors_are_opaque_base64_of_an_offset() -> None:
    assert encode_cursor(50) == "eyJvZmZzZXQiOjUwfQ"  # the spec's example cursor
    assert decode_cursor(encode_cursor(1234)) == 1234
    assert decode_cursor(None) == decode_cursor("") == 0
    for bogus in ("%%%", "eyJvZmZzZXQiOi0xfQ", "bm90IGpzb24"):  # not base64; offset -1; not JSON
        with pytest.raises(web.HTTPBadRequest):
            decode_cursor(bogus)


def request_with(headers: dict[str, str]) -> web.Request:
    return make_mocked_request("GET", "/feed", headers=headers)


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 200),
        ({"If-None-Match": '"abc"'}, 304),
        ({"If-None-Match": 'W/"abc"'}, 304),
        ({"If-None-Match": '"x", "abc"'}, 304),
        ({"If-None-Match": "*"}, 304),
        ({"If-None-Match": '"x"'}, 200),
        ({"If-Modified-Since": "Tue, 30 Jun 2020 00:00:00 GMT"}, 304),
        ({"If-Modified-Since": "Mon, 29 Jun 2020 23:59:59 GMT"}, 200),
        ({"If-Modified-Since": "not a date"}, 200),
        # If-None-Match decides when both are sent (RFC 9110 §13.2.2).
        ({"If-None-Match": '"x"', "If-Modified-Since": "Tue, 30 Jun 2020 00:00:00 GMT"}, 200),
    ],
)
def test_conditional_gets(headers: dict[str, str], status: int) -> None:
    modified = datetime(2020, 6, 30, tzinfo=UTC)
    response = conditional(request_with(headers), b"body", content_type="text/plain", etag='"abc"',
                           last_modified=modified)
    assert response.status == status
    assert response.headers["ETag"] == '"abc"'
    assert response.headers["Last-Modified"] == "Tue, 30 Jun 2020 00:00:00 GMT"
    assert response.body == (b"body" if status == 200 else None)
