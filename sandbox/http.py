"""HTTP building blocks every simulated upstream shares: JSON bodies, query parameters, paging, conditional GETs."""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any, NamedTuple, TypeVar

import orjson
from aiohttp import web

T = TypeVar("T")

CONTROL_PREFIX = "/_sandbox/"
"""Paths of the sandbox's own control endpoints: never subject to faults or api keys."""


def json_response(data: Any, *, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    return web.Response(body=orjson.dumps(data), status=status, headers=headers, content_type="application/json")


def bad_request(message: str) -> web.HTTPBadRequest:
    """An exception to raise: 400 with a JSON body, as the partners' APIs answer a malformed request."""
    return web.HTTPBadRequest(text=orjson.dumps({"error": message}).decode(), content_type="application/json")


def int_param(request: web.Request, name: str, *, default: int, minimum: int = 0, maximum: int | None = None) -> int:
    """A whole-number query parameter; out of range or not a number is a 400."""
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise bad_request(f"{name} must be a whole number") from None
    if value < minimum or (maximum is not None and value > maximum):
        bound = f"between {minimum} and {maximum}" if maximum is not None else f"at least {minimum}"
        raise bad_request(f"{name} must be {bound}")
    return value


# -- paging -----------------------------------------------------------------------------------------

class Page(NamedTuple):
    items: Sequence[Any]
    next_offset: int | None
    """Where the next page starts; ``None`` on the last page."""


def page(items: Sequence[T], offset: int, size: int) -> Page:
    end = offset + size
    return Page(items[offset:end], end if end < len(items) else None)


def encode_cursor(offset: int) -> str:
    """An opaque cursor, as the partners write them: unpadded URL-safe base64 of ``{"offset": n}``."""
    return base64.urlsafe_b64encode(orjson.dumps({"offset": offset})).rstrip(b"=").decode()


def decode_cursor(cursor: str | None) -> int:
    """The offset of a cursor (0 for none); a cursor this sandbox did not issue is a 400."""
    if not cursor:
        return 0
    try:
        data = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        offset = data["offset"]
    except (binascii.Error, ValueError, orjson.JSONDecodeError, KeyError, TypeError):
        raise bad_request("invalid cursor") from None
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise bad_request("invalid cursor")
    return offset


# -- conditional GET --------------------------------------------------------------------------------

def entity_tag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def conditional(
    request: web.Request,
    body: bytes,
    *,
    content_type: str,
    etag: str,
    last_modified: datetime | None = None,
) -> web.Response:
    """The whole document, or 304 when the client's validators still match it (If-None-Match wins, RFC 9110)."""
    headers = {"ETag": etag}
    if last_modified is not None:
        headers["Last-Modified"] = http_date(last_modified)
    if _not_modified(request, etag, last_modified):
        return web.Response(status=304, headers=headers)
    return web.Response(body=body, headers=headers, content_type=content_type)


def _not_modified(request: web.Request, etag: str, last_modified: datetime | None) -> bool:
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or etag in tags
    since = request.headers.get("If-Modified-Since")
    if since is None or last_modified is None:
        return False
    try:
        return last_modified.replace(microsecond=0) <= parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False
