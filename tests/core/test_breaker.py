"""The circuit breaker on its own, on a clock the test moves."""

from __future__ import annotations

import pytest

from core.breaker import Breaker


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_a_closed_breaker_lets_every_call_through(clock: Clock) -> None:
    breaker = Breaker(10, threshold=3, clock=clock)
    assert breaker.allows() and breaker.allows()
    assert not breaker.is_open and breaker.retry_in() == 0


def test_it_opens_after_threshold_failures_in_a_row(clock: Clock) -> None:
    breaker = Breaker(10, threshold=3, clock=clock)
    breaker.failed()
    breaker.failed()
    assert breaker.allows() and breaker.failures == 2, "still closed below the threshold"
    breaker.failed()
    assert breaker.is_open and breaker.failures == 3
    assert not breaker.allows()
    clock.now += 4
    assert breaker.retry_in() == pytest.approx(6)
    assert not breaker.allows()


def test_a_success_resets_the_count(clock: Clock) -> None:
    breaker = Breaker(10, threshold=3, clock=clock)
    breaker.failed()
    breaker.failed()
    breaker.succeeded()
    breaker.failed()
    breaker.failed()
    assert not breaker.is_open and breaker.failures == 2


def test_after_the_cooldown_one_probe_goes_out_at_a_time(clock: Clock) -> None:
    breaker = Breaker(10, clock=clock)
    breaker.failed()
    clock.now += 10
    assert breaker.retry_in() == 0
    assert breaker.allows(), "the probe"
    assert not breaker.allows(), "nobody else while the probe is out"
    assert breaker.is_open


def test_a_probe_that_succeeds_closes_the_breaker(clock: Clock) -> None:
    breaker = Breaker(10, threshold=3, clock=clock)
    for _ in range(3):
        breaker.failed()
    clock.now += 10
    assert breaker.allows()
    breaker.succeeded()
    assert not breaker.is_open and breaker.failures == 0
    assert breaker.allows() and breaker.allows()


def test_a_probe_that_fails_opens_it_for_another_cooldown(clock: Clock) -> None:
    breaker = Breaker(10, threshold=3, clock=clock)
    for _ in range(3):
        breaker.failed()
    clock.now += 10
    assert breaker.allows()
    breaker.failed()
    assert breaker.is_open and breaker.failures == 4
    assert breaker.retry_in() == pytest.approx(10)
    assert not breaker.allows()


def test_a_failure_while_open_starts_the_cooldown_again(clock: Clock) -> None:
    # The participant service: a lookup that set out before the breaker opened times out after it.
    breaker = Breaker(10, clock=clock)
    breaker.failed()
    clock.now += 6
    breaker.failed()
    assert breaker.retry_in() == pytest.approx(10)


@pytest.mark.parametrize(("cooldown_s", "threshold"), [(-1, 1), (10, 0)])
def test_a_breaker_that_cannot_work_is_refused(cooldown_s: float, threshold: int) -> None:
    with pytest.raises(ValueError):
        Breaker(cooldown_s, threshold=threshold)
