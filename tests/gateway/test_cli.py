"""The ``prakerja-gateway`` command, run as a user runs it: as a process."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from sandbox import DEMO_PARTICIPANTS

CLI = [sys.executable, "-m", "gateway"]


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
    config = tmp_path / "gateway.toml"
    # A platform that is not there: its first refresh fails at once, which is an attempt, so the gateway is ready.
    config.write_text(f'[platforms.karirmu]\nbase_url = "http://127.0.0.1:{free_port()}"\nadapter = "standard"\n')
    port = free_port()
    process = subprocess.Popen([*CLI, "serve", "--config", str(config), "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30  # a guard against waiting forever, not a measure of speed
        while True:
            try:
                ready = httpx.get(f"http://127.0.0.1:{port}/readyz")
                if ready.status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the gateway did not start"
            time.sleep(0.1)
        assert httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200
        assert ready.json()["ready"] is True and ready.json()["platforms"] == {"karirmu": True}
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize(
    ("toml", "says"),
    [
        (None, "no configuration file: give --config FILE or set PRAKERJA_GATEWAY_CONFIG"),
        ("[server]\nport = 8000\n", "configures no enabled platform"),
        ("[platforms]\n", "configures no enabled platform"),
        ('[platforms.karirmu]\nbase_url = "http://127.0.0.1:1"\nadapter = "standard"\nenabled = false\n',
         "configures no enabled platform"),
    ],
    ids=["no-file", "no-platforms-section", "empty-platforms", "every-platform-disabled"],
)
def test_serve_refuses_to_start_with_no_platform(tmp_path: Path, toml: str | None, says: str) -> None:
    args = ["serve", "--port", str(free_port())]
    if toml is not None:
        config = tmp_path / "gateway.toml"
        config.write_text(toml)
        args += ["--config", str(config)]
    result = run(*args, env={"PRAKERJA_GATEWAY_CONFIG": ""})
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and says in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("command", [["demo"], ["serve", "--config", "CONFIG"], ["sandbox", "--courses", "10"]])
def test_a_busy_port_is_one_line_and_a_non_zero_exit(tmp_path: Path, command: list[str]) -> None:
    config = tmp_path / "gateway.toml"
    config.write_text('[platforms.karirmu]\nbase_url = "http://127.0.0.1:1"\nadapter = "standard"\n')
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        flag = "--port-base" if command[0] == "sandbox" else "--port"
        result = run(*[str(config) if arg == "CONFIG" else arg for arg in command], flag, port)
    expected = f"cannot listen on ports from {port}" if flag == "--port-base" else f"cannot listen on 127.0.0.1:{port}"
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and expected in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["demo", "--port", "x"], "'x' is not a port number"),
        (["demo", "--port", "70000"], "'70000' is not a port number"),
        (["demo", "--courses", "-5"], "'-5' is not a whole number"),
        (["serve", "--verbose"], "unrecognized arguments: --verbose"),
        (["launch"], "invalid choice: 'launch'"),
        ([], "the following arguments are required: COMMAND"),
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(args: list[str], says: str) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and says in result.stderr and "--help" in result.stderr, result.stderr


def test_every_command_and_option_has_help_with_its_default() -> None:
    top = run("--help")
    assert top.returncode == 0
    commands = re.findall(r"^    ([a-z-]+)\s+\S", top.stdout, re.MULTILINE)
    assert {"serve", "schema", "demo", "sandbox"} <= set(commands)
    for command in commands:
        page = run(command, "--help").stdout
        described = page.split("options:", 1)[1]
        for option, value, text in re.findall(r"^  (--[a-z-]+)( [A-Z_{]\S*)?(.*?)(?=^  -|\Z)", described,
                                              re.MULTILINE | re.DOTALL):
            if value and option != "--config":  # a flag has no default; the configuration file's help says where
                assert "default" in text, f"{command} {option}: {text!r}"
    assert "(default: 8000)" in " ".join(run("demo", "--help").stdout.split())
    assert "PRAKERJA_GATEWAY_CONFIG" in run("serve", "--help").stdout


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0 and re.fullmatch(r"prakerja-gateway \d+\.\d+\.\d+\n", result.stdout)


def test_demo_serves_every_platform_with_no_bundle() -> None:
    process = subprocess.Popen([*CLI, "demo", "--port", "0", "--courses", "600"], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    try:
        assert process.stdout is not None
        printed: list[str] = []
        for line in process.stdout:
            printed.append(line)
            if "GraphQL at " in line:
                url = line.split("GraphQL at ")[1].split()[0]
                break
        assert url.endswith("/graphql")
        base = url.removesuffix("/graphql")
        first = next(line for line in printed if line.strip())
        assert f"page at {base}/ " in first  # what a participant opens comes first
        deadline = time.monotonic() + 30
        while httpx.get(f"{base}/readyz").status_code != 200:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        query = "{ platforms { slug status } courses(first: 100) { totalCount edges { node { id } } } }"
        data = httpx.post(url, json={"query": query}).json()["data"]
        assert len(data["platforms"]) == 9 and {p["status"] for p in data["platforms"]} == {"OK"}
        assert data["courses"]["totalCount"] > 500
        assert httpx.get(f"{base}/").status_code == 200
        assert len(httpx.get(f"{base}/ui/demo-participants.json").json()) == len(DEMO_PARTICIPANTS)
    finally:
        process.terminate()
        process.wait(timeout=10)

