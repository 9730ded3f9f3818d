"""What every resolver of one request reads: one snapshot, one caller, one moment."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from graphql import GraphQLError

from gateway.catalogue import Snapshot
from gateway.config import Config
from gateway.eligibility import EligibilityRules
from gateway.types import Participant


@dataclass(slots=True)
class RequestContext:
    config: Config
    snapshot: Snapshot
    now: datetime
    viewer: Participant | None
    rules: EligibilityRules
    errors: list[GraphQLError] = field(default_factory=list)
    """Errors of the request as a whole (an invalid token, the participant service down), shown once."""
