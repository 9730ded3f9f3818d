"""The HTTP server the gateway runs on: uvicorn, with a deadline on reading each request.

uvicorn bounds neither how long a client may take to send a request's head nor its body: connections trickling a
byte at a time are held open, each with what it sent so far, for as long as the clients like. Here a client has
``server.read_timeout_s`` from connecting (or from the previous answer on a kept-alive connection) to finish
sending a request's head, or the connection is answered 408 and closed; the body has as long again, counted by
:class:`gateway.middleware.BodyLimit`.
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
import orjson
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from core.config import Config
from schema.errors import bad_user_input

_TIMED_OUT = b"HTTP/1.1 408 Request Timeout\r\nconnection: close\r\ncontent-length: 0\r\n\r\n"


class ServerSettings(uvicorn.Config):
    """uvicorn's configuration, with the gateway's protocol and its read deadline (a plain class, not one made per
    deadline: with ``workers = N`` uvicorn sends its configuration to the workers it spawns, pickled)."""

    def __init__(self, app: Any, *, read_timeout_s: float, **options: Any) -> None:
        super().__init__(app, http=StrictH11Protocol, access_log=False, log_config=None, **options)
        self.read_timeout_s = read_timeout_s


class StrictH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, closing a connection whose request head is not all there within the
    settings' ``read_timeout_s``, and refusing a request that is not HTTP/1.1 with a coded error like every other."""

    def __init__(self, config: uvicorn.Config, *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        if not isinstance(config, ServerSettings):
            raise TypeError("StrictH11Protocol is configured by ServerSettings")
        self.read_timeout_s = config.read_timeout_s
        self._deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def handle_events(self) -> None:
        super().handle_events()
        if self.conn.their_state is not h11.IDLE:  # the head is in: the body is the app's to time
            self._disarm()

    def on_response_complete(self) -> None:
        self._arm()  # before the next request's events, which the call below may handle at once
        super().on_response_complete()

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(self.read_timeout_s, self._timed_out)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def send_400_response(self, msg: str) -> None:
        # uvicorn's own answer is plain text; ``msg`` is uvicorn's, never the client's bytes.
        body = orjson.dumps({"errors": [bad_user_input(f"{msg.rstrip('.')}: not an HTTP/1.1 request").formatted]})
        headers = [(b"content-type", b"application/json"), (b"connection", b"close")]
        for event in (h11.Response(status_code=400, headers=headers), h11.Data(data=body), h11.EndOfMessage()):
            self.transport.write(self.conn.send(event) or b"")
        self.transport.close()

    def _timed_out(self) -> None:
        self._deadline = None
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self.transport.write(_TIMED_OUT)
            self.transport.close()


def uvicorn_config(app: Any, config: Config, **options: Any) -> ServerSettings:
    """uvicorn's configuration for serving ``app`` as ``config`` says; ``options`` as uvicorn takes them."""
    return ServerSettings(app, read_timeout_s=config.server.read_timeout_s, **options)
