"""How the benchmarks print what they measured."""

from __future__ import annotations

import statistics
from collections.abc import Sequence


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.2f} ms"


def percentile(values: Sequence[float], n: int) -> float:
    """The ``n``-th percentile (1..99)."""
    return statistics.quantiles(values, n=100, method="inclusive")[n - 1]


def latencies(values: Sequence[float]) -> str:
    return (f"p50 {ms(statistics.median(values))}   p90 {ms(percentile(values, 90))}"
            f"   p99 {ms(percentile(values, 99))}   ({len(values)} requests)")


def verdict(ratio: float, bar: float, *, at_least: bool = False) -> str:
    """``ratio``, the bar and whether it is cleared, e.g. ``1.20x [bar <= 2x: PASS]``."""
    passed = ratio >= bar if at_least else ratio <= bar
    return f"{ratio:.2f}x   [bar {'>=' if at_least else '<='} {bar:g}x: {'PASS' if passed else 'FAIL'}]"
