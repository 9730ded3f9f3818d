"""Shared fixtures: the sandbox upstreams and a gateway wired to them, both real servers on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sandbox import SandboxThread
from tests.harness import GatewayThread, GraphQLClient
from tests.participant_world import World

DEMO_COURSES = 1500


@pytest.fixture(scope="session")
def upstreams() -> Iterator[SandboxThread]:
    """The sandbox, left as generated: tests that inject faults or change data start their own."""
    with SandboxThread(courses=DEMO_COURSES) as sandbox:
        yield sandbox


@pytest.fixture(scope="session")
def gateway(upstreams: SandboxThread) -> Iterator[GatewayThread]:
    with GatewayThread(upstreams.gateway_config()) as gateway:
        gateway.wait_ready()
        yield gateway


@pytest.fixture(scope="session")
def client(gateway: GatewayThread) -> Iterator[GraphQLClient]:
    with GraphQLClient(gateway.url) as client:
        yield client


@pytest.fixture(scope="session")
def world() -> Iterator[World]:
    """The sandbox and a gateway wired to it, shared by the participant and eligibility tests."""
    world = World()
    try:
        yield world
    finally:
        world.close()


@pytest.fixture
def calm(world: World) -> Iterator[World]:
    """The world, with every fault injected by the test cleared afterwards."""
    try:
        yield world
    finally:
        world.sandbox.clear_faults()
