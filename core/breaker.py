"""A circuit breaker: after repeated failures an upstream is left alone for a cool-down, then probed once.

One class serves both users: the participant service (opens on the first timeout, so callers stop waiting on a
slow service) and each platform's feed refresh (opens after a few failed refreshes in a row, so a broken platform
is not met with retries every interval). Not thread-safe: each breaker lives on one event loop.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class Breaker:
    """Closed until ``threshold`` failures in a row; then open for ``cooldown_s``; then one probe at a time.

    A probe that succeeds closes the breaker; one that fails opens it for another cool-down, whatever the count.
    """

    def __init__(self, cooldown_s: float, *, threshold: int = 1, clock: Callable[[], float] = time.monotonic) -> None:
        if cooldown_s < 0 or threshold < 1:
            raise ValueError("a breaker needs a non-negative cool-down and a threshold of at least 1")
        self._cooldown_s = cooldown_s
        self._threshold = threshold
        self._clock = clock
        self._failures = 0
        self._open_until: float | None = None
        self._probing = False

    @property
    def is_open(self) -> bool:
        """Open or half-open: from the failure that opened it until a success closes it."""
        return self._open_until is not None

    @property
    def failures(self) -> int:
        """Failures in a row since the last success."""
        return self._failures

    def retry_in(self) -> float:
        """Seconds until the cool-down is over; 0 when closed or already over."""
        if self._open_until is None:
            return 0.0
        return max(0.0, self._open_until - self._clock())

    def allows(self) -> bool:
        """Whether a call may go out now. After the cool-down, the first caller to ask becomes the probe."""
        if self._open_until is None:
            return True
        if self._clock() < self._open_until or self._probing:
            return False
        self._probing = True
        return True

    def failed(self) -> None:
        self._failures += 1
        if self._probing or self._failures >= self._threshold:
            self._open_until = self._clock() + self._cooldown_s
            self._probing = False

    def succeeded(self) -> None:
        self._failures = 0
        self._open_until = None
        self._probing = False
