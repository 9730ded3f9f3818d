"""Real servers on loopback for tests and benchmarks: a gateway in a background thread, and a GraphQL client."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette

from core.config import Config, parse_config
from gateway.app import create_app
from gateway.snapshots import SnapshotSource
from sandbox import config_toml


class GatewayThread:
    """A gateway serving on a free loopback port from its own thread and event loop."""

    def __init__(self, config: Config | dict[str, Any], **app_options: Any) -> None:
        """``app_options``: the keyword arguments of :func:`gateway.app.create_app` beyond the configuration."""
        self.config = config if isinstance(config, Config) else parse_config(config)
        self.app: Starlette = create_app(self.config, **app_options)
        # IPPROTO_TCP given, or asyncio does not set TCP_NODELAY on the accepted connections: every request on a
        # kept-alive connection would then wait 40 ms for a delayed ACK.
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._server = uvicorn.Server(uvicorn.Config(self.app, log_config=None, access_log=False, lifespan="on"))
        self._thread = threading.Thread(target=self._run, name="gateway", daemon=True)

    @property
    def catalogue(self) -> SnapshotSource:
        catalogue: SnapshotSource = self.app.state.catalogue
        return catalogue

    def _run(self) -> None:
        asyncio.run(self._server.serve(sockets=[self._listener]))

    def __enter__(self) -> GatewayThread:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the gateway did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object | TracebackType) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)

    def wait_ready(self, timeout_s: float = 20) -> None:
        """Wait until every platform's first refresh was attempted (``/readyz`` 200)."""
        deadline = time.monotonic() + timeout_s
        with httpx.Client(base_url=self.url) as client:
            while client.get("/readyz").status_code != 200:
                if time.monotonic() > deadline:
                    raise TimeoutError("the gateway did not become ready")
                time.sleep(0.02)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class GatewayProcess:
    """``prakerja-gateway serve`` as an operator runs it: its own process (and its children), on a free port."""

    def __init__(self, config: dict[str, Any], folder: Path, name: str = "gateway") -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.config_path = folder / f"{name}.toml"
        self.config_path.write_text(config_toml(config))
        self.log_path = folder / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> GatewayProcess:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gateway", "serve", "--config", os.fspath(self.config_path),
                 "--port", str(self.port)], stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        return self

    def wait_ready(self, timeout_s: float = 30) -> None:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                if httpx.get(f"{self.url}/readyz").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or (self.process is not None and self.process.poll() is not None):
                raise TimeoutError(f"the gateway did not become ready; its log:\n{self.log_path.read_text()}")
            time.sleep(0.05)

    def signal(self, number: int) -> None:
        """Send a signal to the gateway's whole process group (workers and refresher included)."""
        assert self.process is not None
        os.killpg(self.process.pid, number)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.signal(signal.SIGKILL)
            self.process.wait()

    def __enter__(self) -> GatewayProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class GraphQLClient:
    """Posts GraphQL over HTTP, as a frontend would."""

    def __init__(self, base_url: str, timeout_s: float = 10) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=timeout_s)

    def post(self, query: str, variables: dict[str, Any] | None = None, token: str | None = None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.http.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)

    def __call__(self, query: str, variables: dict[str, Any] | None = None, token: str | None = None) -> Any:
        """The response body of a query that is expected to succeed without errors; its ``data``."""
        response = self.post(query, variables, token)
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body["errors"]
        return body["data"]

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> GraphQLClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
