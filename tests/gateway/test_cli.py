"""The ``prakerja-gateway`` command, run as a user runs it: as a process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

CLI = [sys.executable, "-m", "gateway.cli"]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=60,
                          env={**os.environ, **(env or {})}, check=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.mark.parametrize(
    ("toml", "named"),
    [
        ("[server]\nport = \"80\"\n", "'server.port'"),
        ("[platforms.tokopedia]\nadapter = \"tokopedia\"\n", "'platforms.tokopedia.base_url'"),
        ("[platforms.newco]\nbase_url = \"http://127.0.0.1:1\"\n", "'platforms.newco.adapter'"),
        ("[limits]\nmax_depth = 12\nmax_dept = 3\n", "'limits.max_dept'"),
    ],
)
def test_a_bad_configuration_exits_2_with_one_line_naming_the_key(tmp_path: Path, toml: str, named: str) -> None:
    config = tmp_path / "gateway.toml"
    config.write_text(toml)
    result = run("serve", "--config", str(config))
    assert result.returncode == 2
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1, message
    assert named in message
    assert "Traceback" not in result.stderr


def test_the_config_file_may_come_from_the_environment(tmp_path: Path) -> None:
    config = tmp_path / "gateway.toml"
    config.write_text("[server]\nport = -1\n")
    result = run("serve", env={"PRAKERJA_GATEWAY_CONFIG": str(config)})
    assert result.returncode == 2 and "'server.port'" in result.stderr


def test_schema_prints_the_sdl() -> None:
    result = run("schema")
    assert result.returncode == 0
    assert "type Query {" in result.stdout
    assert "courses(filter: CourseFilter, sort: CourseSort! = RELEVANCE, first: Int! = 20, after: String)" in (
        result.stdout)


def test_serve_answers_health_checks(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen([*CLI, "serve", "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/healthz")
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the gateway did not start"
                time.sleep(0.1)
        assert response.status_code == 200
        assert httpx.get(f"http://127.0.0.1:{port}/readyz").status_code == 503  # no platform: never ready
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_demo_serves_every_platform_with_no_bundle() -> None:
    process = subprocess.Popen([*CLI, "demo", "--port", "0", "--courses", "600"], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    try:
        assert process.stdout is not None
        url = ""
        for line in process.stdout:
            if "GraphQL at " in line:
                url = line.split("GraphQL at ")[1].split()[0]
                break
        assert url.endswith("/graphql")
        base = url.removesuffix("/graphql")
        deadline = time.monotonic() + 30
        while httpx.get(f"{base}/readyz").status_code != 200:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        query = "{ platforms { slug status } courses(first: 100) { totalCount edges { node { id } } } }"
        data = httpx.post(url, json={"query": query}).json()["data"]
        assert len(data["platforms"]) == 9 and {p["status"] for p in data["platforms"]} == {"OK"}
        assert data["courses"]["totalCount"] > 500
    finally:
        process.terminate()
        process.wait(timeout=10)
