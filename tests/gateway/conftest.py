"""Fixtures of the gateway's tests that need real upstreams."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.gateway.participant_world import World


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
