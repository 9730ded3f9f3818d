"""Servers for the benchmarks: sandboxes in this process, gateways (and a bare endpoint) as processes of their own.

A gateway runs as a real ``prakerja-gateway serve`` process, one worker, so that its CPU and memory are its own
and nothing of the benchmark (the sandbox, the client) shares its interpreter lock.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from sandbox import DemoCatalogue, SandboxThread, config_toml

NO_REFRESH: dict[str, Any] = {"refresh_interval_s": 3600}
"""The ``[catalogue]`` of a gateway that reads its feeds once, at start: no refresh competes with what is measured."""


@dataclass(frozen=True, slots=True)
class ServerProcess:
    url: str
    pid: int

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def memory_mb(self) -> tuple[float, float]:
        """Resident memory now and at its peak, in MB."""
        fields = dict(line.split(":", 1) for line in Path(f"/proc/{self.pid}/status").read_text().splitlines())
        return _kb(fields["VmRSS"]) / 1024, _kb(fields["VmHWM"]) / 1024

    def cpu_s(self) -> float:
        """CPU time the process has used so far (user and system), in seconds."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    @contextmanager
    def paused(self) -> Iterator[None]:
        """The process and its children (the refresher, workers) stopped (SIGSTOP), so taking no CPU at all, then
        continued."""
        os.killpg(self.pid, signal.SIGSTOP)
        try:
            yield
        finally:
            os.killpg(self.pid, signal.SIGCONT)


def _kb(field: str) -> int:
    return int(field.split()[0])


def free_port() -> int:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        port: int = listener.getsockname()[1]
        return port


@contextmanager
def gateway_process(sandbox: SandboxThread, workdir: Path, /, **overrides: Any) -> Iterator[ServerProcess]:
    """A gateway process reading ``sandbox``, configured as :meth:`Sandbox.gateway_config` with ``overrides``;
    ready (every platform's first refresh attempted) when entered."""
    port = free_port()
    config = workdir / f"gateway-{port}.toml"
    settings = {"port": port, **overrides.pop("server", {})}
    config.write_text(config_toml(sandbox.gateway_config(server=settings, **overrides)))
    command = [sys.executable, "-m", "gateway", "serve", "--config", str(config)]
    with _running(command, f"http://127.0.0.1:{port}", "/readyz") as server:
        # Ready means every feed was tried, not read: a gateway with nothing to search would measure nothing.
        answer = httpx.post(f"{server.url}/graphql", json={"query": "{ courses(first: 1) { totalCount } }"}).json()
        if not answer.get("data") or not answer["data"]["courses"]["totalCount"]:
            raise RuntimeError(f"the gateway at {server.url} serves no course: {answer}")
        yield server


@contextmanager
def serving(catalogue: DemoCatalogue, workdir: Path, /,
            **overrides: Any) -> Iterator[tuple[ServerProcess, SandboxThread]]:
    """A sandbox for ``catalogue`` in this process, and a gateway process reading it, ready."""
    with SandboxThread(catalogue) as sandbox, gateway_process(sandbox, workdir, **overrides) as gateway:
        yield gateway, sandbox


@contextmanager
def bare_process(body: bytes, workdir: Path) -> Iterator[ServerProcess]:
    """The bare Starlette endpoint of :mod:`bench.bare`, answering ``body`` to every request."""
    port = free_port()
    path = workdir / f"bare-{port}.json"
    path.write_bytes(body)
    command = [sys.executable, "-m", "bench.bare", "--port", str(port), "--body", str(path)]
    with _running(command, f"http://127.0.0.1:{port}", "/") as server:
        yield server


@contextmanager
def _running(command: list[str], url: str, ready_path: str) -> Iterator[ServerProcess]:
    # A session of its own: the process's children (refresher, workers) are paused and stopped with it.
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        _wait_ready(url + ready_path, process)
        yield ServerProcess(url, process.pid)
    finally:
        os.killpg(process.pid, signal.SIGCONT)  # a paused process would never see the terminate
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def _wait_ready(url: str, process: subprocess.Popen[bytes], timeout_s: float = 600) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}")
        try:
            if httpx.get(url).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} was not ready in {timeout_s:.0f} s")
