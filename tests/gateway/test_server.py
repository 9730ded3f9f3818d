"""Slow clients, over raw sockets to a real gateway: a request's head and its body each have ``read_timeout_s``.

Hundreds of connections trickle a byte at a time; every one is closed by the gateway, and the gateway answers
others meanwhile. The tests wait for the closes (up to a generous bound, so that a broken deadline fails rather
than hangs), and never assert how long anything took.
"""

from __future__ import annotations

import contextlib
import json
import selectors
import socket
import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from sandbox import SandboxThread
from tests.harness import GatewayThread, Meanwhile

READ_TIMEOUT_S = 0.5
CONNECTIONS = 300
GIVE_UP_S = 30 * READ_TIMEOUT_S
"""Only so that a gateway that never closes fails the test instead of hanging it."""


@pytest.fixture(scope="module")
def strict(upstreams: SandboxThread) -> Iterator[GatewayThread]:
    with GatewayThread(upstreams.gateway_config(server={"read_timeout_s": READ_TIMEOUT_S})) as gateway:
        yield gateway


def address(gateway: GatewayThread) -> tuple[str, int]:
    host, port = gateway.url.removeprefix("http://").split(":")
    return host, int(port)


def trickle(gateway: GatewayThread, opening: bytes, drip: bytes, connections: int = CONNECTIONS) -> list[bytes]:
    """Opens ``connections`` connections, sends ``opening`` on each, then ``drip`` on each, over and over, until
    the gateway closes them all; what each received."""
    selector = selectors.DefaultSelector()
    received: dict[socket.socket, bytearray] = {}
    for _ in range(connections):
        sock = socket.create_connection(address(gateway))
        sock.sendall(opening)
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ)
        received[sock] = bytearray()
    open_ = set(received)
    give_up = time.monotonic() + GIVE_UP_S
    try:
        while open_ and time.monotonic() < give_up:
            for sock in list(open_):
                with contextlib.suppress(OSError):  # closed by the gateway (reset, broken pipe): read below
                    sock.send(drip)
            for key, _ in selector.select(timeout=0.1):
                sock = key.fileobj  # type: ignore[assignment]
                try:
                    data = sock.recv(65536)
                except OSError:
                    data = b""
                if data:
                    received[sock] += data
                else:
                    open_.discard(sock)
                    selector.unregister(sock)
        assert not open_, f"{len(open_)} of {connections} trickling connections were never closed"
    finally:
        for sock in received:
            sock.close()
        selector.close()
    return [bytes(data) for data in received.values()]


def healthz(gateway: GatewayThread) -> Callable[[], int]:
    """Asks the gateway's /healthz, on a connection of its own: its status."""
    http = httpx.Client(base_url=gateway.url, timeout=GIVE_UP_S)
    return lambda: http.get("/healthz").status_code


def test_connections_trickling_a_request_head_are_answered_408_and_closed(strict: GatewayThread) -> None:
    with Meanwhile(healthz(strict)) as answered:
        received = trickle(strict, b"POST /graphql HTTP/1.1\r\nHost: x\r\n", b"X")
    assert all(data.startswith(b"HTTP/1.1 408 Request Timeout\r\n") for data in received)
    assert answered.results and set(answered.results) == {200}


def test_connections_that_send_nothing_at_all_are_closed(strict: GatewayThread) -> None:
    received = trickle(strict, b"", b"", connections=50)
    assert all(data.startswith(b"HTTP/1.1 408 Request Timeout\r\n") for data in received)


def test_connections_trickling_a_body_are_answered_408_bad_user_input_and_closed(strict: GatewayThread) -> None:
    head = (b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
            b'{"query": "{ platforms { slug } }", "pad": "')
    with Meanwhile(healthz(strict)) as answered:
        received = trickle(strict, head, b"x")
    for data in received:
        status, _, rest = data.partition(b"\r\n")
        assert status == b"HTTP/1.1 408 Request Timeout", data[:200]
        body = json.loads(rest.partition(b"\r\n\r\n")[2])
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert answered.results and set(answered.results) == {200}


def test_a_kept_alive_connection_has_the_deadline_again_for_its_next_request(strict: GatewayThread) -> None:
    request = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
    [received] = trickle(strict, request, b"G", connections=1)
    first, _, second = received.partition(b'{"status":"ok"}')
    assert first.startswith(b"HTTP/1.1 200 ")
    assert second.startswith(b"HTTP/1.1 408 Request Timeout\r\n"), "the trickled second request was cut off"


def test_a_client_that_sends_in_time_is_served(strict: GatewayThread) -> None:
    with httpx.Client(base_url=strict.url) as http:
        assert http.post("/graphql", json={"query": "{ platforms { slug } }"}).status_code == 200


@pytest.mark.parametrize(
    "request_bytes",
    [b"GARBAGE\r\n\r\n", b"GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",
     b"GET /healthz HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"],
    ids=["request-line", "header-line", "two-lengths"],
)
def test_a_request_that_is_not_http_is_a_coded_400(strict: GatewayThread, request_bytes: bytes) -> None:
    with socket.create_connection(address(strict)) as sock:
        sock.sendall(request_bytes)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ") and b"content-type: application/json" in head
    [error] = json.loads(body)["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and "not an HTTP/1.1 request" in error["message"]
