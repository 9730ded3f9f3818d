"""Fixtures of the server's HTTP tests."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.harness import GatewayThread


@pytest.fixture(scope="module")
def http(gateway: GatewayThread) -> Iterator[httpx.Client]:
    """Plain HTTP to the shared gateway, for what is not GraphQL."""
    with httpx.Client(base_url=gateway.url, timeout=10) as client:
        yield client
