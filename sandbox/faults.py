"""Fault injection: make one upstream slow, failing, garbled, cut off, silent or repeating itself, from its first
request or a later one, for a while or until cleared.

A fault is set per upstream (a platform slug or ``"participants"``), in-process through the sandbox's ``faults``
mapping or over HTTP on that upstream's own port (``POST /_sandbox/fault`` with the fields of :class:`Fault` as
JSON; ``DELETE`` clears; ``GET`` shows it). Control endpoints are never faulted themselves.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, MutableMapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

import orjson
from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from .http import CONTROL_PREFIX, json_response

GARBAGE = b"<html><body><h1>502 Bad Gateway</h1>upstream sent an invalid response<br>{\"items\": ["
"""Neither JSON, nor well-formed XML, nor gzip: what a broken proxy in front of a partner sends with a 200."""


@dataclass(frozen=True, slots=True)
class Fault:
    """What goes wrong with the next requests to one upstream. Effects apply in field order."""

    latency_s: float = 0.0
    """Wait this long before answering (or before the other effects)."""
    status: int | None = None
    """Answer with this HTTP status (e.g. 500, 503, 429) instead of the real answer."""
    retry_after: float | None = None
    """With ``status``: send ``Retry-After`` with this many seconds."""
    garbage: bool = False
    """Answer 200 with a body that is neither JSON nor XML nor gzip."""
    truncated: bool = False
    """Send the real answer's headers with its full ``Content-Length``, half of its body, then close."""
    hang: bool = False
    """Never answer; the request ends when the client gives up (or the sandbox stops)."""
    in_band_error: bool = False
    """The real answer with the platform's own error marker (Tokopedia ``header.error_code``, Sekolahmu
    ``errors``), still HTTP 200. Platforms without such a marker answer normally."""
    replay: bool = False
    """Answer with the upstream's previous answer again, headers and all: page 2 asked for, page 1 served, its
    next-page cursor (token, ``Link``, ``links.next``) leading back to page 2."""
    after: int = 0
    """Let this many requests through untouched first: ``after=1`` makes page 2 the first to meet the fault."""
    times: int | None = None
    """Apply to the next this-many requests only (counted from the first one it applies to); ``None``: until
    cleared."""

    def __post_init__(self) -> None:
        if self.latency_s < 0:
            raise ValueError("latency_s must not be negative")
        if self.status is not None and not 100 <= self.status <= 599:
            raise ValueError("status must be an HTTP status code")
        if self.retry_after is not None and (self.status is None or self.retry_after < 0):
            raise ValueError("retry_after needs a status and must not be negative")
        if self.times is not None and self.times < 1:
            raise ValueError("times must be at least 1")
        if self.after < 0:
            raise ValueError("after must not be negative")

    @classmethod
    def from_json(cls, data: Any) -> Fault:
        """A fault from its JSON form; unknown fields and wrong types are refused with ValueError."""
        if not isinstance(data, dict):
            raise ValueError("a fault is a JSON object")
        types = {f.name: f.type for f in fields(cls)}
        for name, value in data.items():
            if name not in types:
                raise ValueError(f"unknown fault field {name!r}")
            if not _fits(value, str(types[name])):
                raise ValueError(f"fault field {name!r} has the wrong type")
        return cls(**data)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _fits(value: Any, annotation: str) -> bool:
    if value is None:
        return "None" in annotation
    if isinstance(value, bool):
        return annotation.startswith("bool")
    if isinstance(value, int):
        return annotation.startswith(("int", "float"))
    return isinstance(value, float) and annotation.startswith("float")


def take(faults: MutableMapping[str, Fault], key: str) -> Fault | None:
    """The fault for this request, counting it against ``after``, then ``times``."""
    fault = faults.get(key)
    if fault is not None and fault.after:
        faults[key] = replace(fault, after=fault.after - 1)
        return None
    if fault is not None and fault.times is not None:
        if fault.times <= 1:
            faults.pop(key, None)
        else:
            faults[key] = replace(fault, times=fault.times - 1)
    return fault


def fault_middleware(
    key: str,
    faults: MutableMapping[str, Fault],
    released: asyncio.Event,
    spoil: Callable[[Any], Any | None] = lambda body: None,
) -> Middleware:
    """Middleware applying ``faults[key]``. ``released`` ends hanging requests when the sandbox stops."""
    previous: list[web.Response] = []
    """The last whole answer this upstream gave, for a ``replay``."""

    async def answer(request: web.Request, handler: Handler) -> web.StreamResponse:
        response = await handler(request)
        if isinstance(response, web.Response) and isinstance(response.body, bytes):
            previous[:] = [response]
        return response

    @web.middleware
    async def inject(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith(CONTROL_PREFIX):
            return await handler(request)
        fault = take(faults, key)
        if fault is None:
            return await answer(request, handler)
        if fault.replay and previous:
            return _again(previous[0])
        if fault.latency_s:
            await asyncio.sleep(fault.latency_s)
        if fault.hang:
            await released.wait()
            raise web.HTTPServiceUnavailable()
        if fault.status is not None:
            headers = {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after is not None else None
            return json_response({"error": f"injected HTTP {fault.status}"}, status=fault.status, headers=headers)
        if fault.garbage:
            return web.Response(body=GARBAGE, content_type="text/html")
        response = await answer(request, handler)
        if fault.in_band_error and isinstance(response, web.Response) and response.status == 200:
            body = response.body if isinstance(response.body, bytes) else b""
            spoiled = spoil(orjson.loads(body)) if response.content_type == "application/json" else None
            response = json_response(spoiled) if spoiled is not None else response
        if fault.truncated and isinstance(response, web.Response):
            return await _truncated(request, response)
        return response

    return inject


def _again(response: web.Response) -> web.Response:
    body = response.body if isinstance(response.body, bytes) else b""
    headers = {k: v for k, v in response.headers.items() if k.lower() not in ("content-length", "date", "server")}
    return web.Response(body=body, status=response.status, headers=headers)


async def _truncated(request: web.Request, response: web.Response) -> web.StreamResponse:
    body = response.body if isinstance(response.body, bytes) else b""
    headers = {k: v for k, v in response.headers.items() if k.lower() not in ("content-length", "transfer-encoding")}
    stream = web.StreamResponse(status=response.status, headers=headers)
    stream.content_length = len(body)
    stream.force_close()
    await stream.prepare(request)
    await stream.write(body[: len(body) // 2])
    if request.transport is not None:
        request.transport.close()  # the client sees the connection drop short of Content-Length
    return stream


def control_routes(key: str, faults: MutableMapping[str, Fault], *, in_band: bool = False) -> Iterable[web.RouteDef]:
    """``/_sandbox/fault`` on an upstream's own port: set (POST), show (GET) or clear (DELETE) its fault.

    ``in_band``: the upstream has an in-band error form; without one, ``in_band_error`` is refused.
    """

    async def set_fault(request: web.Request) -> web.Response:
        try:
            fault = Fault.from_json(orjson.loads(await request.read()))
        except (orjson.JSONDecodeError, ValueError, TypeError) as exc:
            return json_response({"error": str(exc)}, status=400)
        if fault.in_band_error and not in_band:
            return json_response({"error": f"{key} has no in-band error form"}, status=400)
        faults[key] = fault
        return json_response({"fault": fault.to_json()})

    async def show_fault(request: web.Request) -> web.Response:
        fault = faults.get(key)
        return json_response({"fault": fault.to_json() if fault else None})

    async def clear_fault(request: web.Request) -> web.Response:
        faults.pop(key, None)
        return json_response({"fault": None})

    path = CONTROL_PREFIX + "fault"
    return [web.post(path, set_fault), web.get(path, show_fault), web.delete(path, clear_fault)]
