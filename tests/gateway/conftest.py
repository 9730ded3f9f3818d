"""Fixtures of the server's HTTP tests."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.harness import GatewayThread

NODE_SCRIPTS = Path(__file__).parent / "node"


@pytest.fixture(scope="module")
def http(gateway: GatewayThread) -> Iterator[httpx.Client]:
    """Plain HTTP to the shared gateway, for what is not GraphQL."""
    with httpx.Client(base_url=gateway.url, timeout=10) as client:
        yield client


class NodeClients:
    """The JavaScript of ``tests/gateway/node``, with its packages installed (``npm ci``) in a temporary folder."""

    def __init__(self, folder: Path, node: str) -> None:
        self.folder = folder
        self.node = node

    def run(self, script: str, *args: str) -> Any:
        """What ``script`` printed, as JSON."""
        done = subprocess.run([self.node, script, *args], cwd=self.folder, capture_output=True, text=True,
                              timeout=300, check=False)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)


@pytest.fixture(scope="session")
def node_clients(tmp_path_factory: pytest.TempPathFactory) -> NodeClients:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node and npm are not installed: the GraphQL-over-HTTP audit and the JavaScript clients need them")
    folder = tmp_path_factory.mktemp("node-clients")
    shutil.copytree(NODE_SCRIPTS, folder, dirs_exist_ok=True)
    installed = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=folder,
                               capture_output=True, text=True, timeout=600, check=False)
    assert installed.returncode == 0, f"npm ci failed: {installed.stderr}"
    return NodeClients(folder, node)
