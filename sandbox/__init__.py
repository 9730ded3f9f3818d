"""The simulated upstreams: every partner's catalogue feed and the participant service, on loopback sockets.

An independent simulation of platforms.md: it shares no code with ``adapters/``, so the gateway's tests check the
adapters against the spec rather than against themselves.
"""

from __future__ import annotations

from .catalogue import CourseRecord, DemoCatalogue, Rating, generate
from .faults import Fault
from .participants import (
    DEMO_PARTICIPANT_LABELS,
    DEMO_PARTICIPANTS,
    DemoToken,
    Participant,
    ParticipantService,
    Purchase,
)
from .platforms import PLATFORMS
from .server import Sandbox, SandboxThread, config_toml, describe, run_sandbox_forever

__all__ = [
    "DEMO_PARTICIPANTS",
    "DEMO_PARTICIPANT_LABELS",
    "PLATFORMS",
    "CourseRecord",
    "DemoCatalogue",
    "DemoToken",
    "Fault",
    "Participant",
    "ParticipantService",
    "Purchase",
    "Rating",
    "Sandbox",
    "SandboxThread",
    "config_toml",
    "describe",
    "generate",
    "run_sandbox_forever",
]
