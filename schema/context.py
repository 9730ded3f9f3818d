"""What every resolver of one request reads: one snapshot, one caller, one moment."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from graphql import GraphQLError

from core.config import Config
from core.domain import Caller, InvalidToken, Participant, Scheme, SignedIn, Unavailable
from search.eligibility import EligibilityRules
from search.snapshot import Snapshot

from .errors import ErrorCode, coded_error


@dataclass(slots=True)
class RequestContext:
    config: Config
    snapshot: Snapshot
    now: datetime
    viewer: Participant | None
    rules: EligibilityRules
    errors: list[GraphQLError] = field(default_factory=list)
    """Errors of the request as a whole (an invalid token, the participant service down), shown once."""

    @classmethod
    def of(cls, config: Config, snapshot: Snapshot, caller: Caller) -> RequestContext:
        """The context of a request from ``caller``: anyone not signed in is served as anonymous."""
        now = datetime.now(UTC)
        viewer = caller.participant if isinstance(caller, SignedIn) else None
        rules = EligibilityRules(
            suspended=snapshot.suspended,
            default_scheme=Scheme(config.catalogue.default_scheme),
            viewer=viewer,
            now=now,
        )
        return cls(config=config, snapshot=snapshot, now=now, viewer=viewer, rules=rules,
                   errors=_caller_errors(caller))


def _caller_errors(caller: Caller) -> list[GraphQLError]:
    if isinstance(caller, InvalidToken):
        return [coded_error(ErrorCode.UNAUTHENTICATED,
                            "The bearer token is invalid or expired; the request was served as anonymous.")]
    if isinstance(caller, Unavailable):
        return [coded_error(ErrorCode.PARTICIPANT_SERVICE_UNAVAILABLE,
                            "The participant service is unavailable; the request was served as anonymous.")]
    return []
