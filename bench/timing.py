"""Interleaved timing and the statistics every verdict is judged on.

Contenders take turns round by round, in reverse order every other round (so a drift in the
machine's speed favours none), and each target is judged on the median of the per-round ratios
(ours / baseline of the same round), printed with its interquartile range. A single slow round
moves neither.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

Samples = dict[str, list[float]]
T = TypeVar("T")


def per_call(fn: Callable[[], object], calls: int) -> float:
    """Seconds per call of ``fn`` over ``calls`` calls in a row."""
    started = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - started) / calls


def interleaved(contenders: dict[str, Callable[[], object]], *, calls: int, rounds: int) -> Samples:
    """Per-round seconds per call for each contender, taking turns, GC paused while timing."""
    for fn in contenders.values():
        per_call(fn, max(1, calls // 5))  # warm up: connections, caches, lazy imports
    samples: Samples = {name: [] for name in contenders}
    gc.collect()
    gc.disable()
    try:
        for turn in range(rounds):
            for name, fn in in_turn(contenders, turn):
                samples[name].append(per_call(fn, calls))
    finally:
        gc.enable()
    return samples


def in_turn(contenders: dict[str, T], turn: int) -> list[tuple[str, T]]:
    """The contenders in this round's order: as given, reversed every other round."""
    order = list(contenders.items())
    return order[::-1] if turn % 2 else order


@dataclass(frozen=True)
class Spread:
    """The median of some per-round figures and their interquartile range."""

    median: float
    low: float
    high: float
    rounds: int

    @classmethod
    def of(cls, values: list[float]) -> Spread:
        if len(values) < 2:
            return cls(values[0], values[0], values[0], len(values))
        low, _, high = statistics.quantiles(values, n=4, method="inclusive")
        return cls(statistics.median(values), low, high, len(values))


def median(values: list[float]) -> float:
    return statistics.median(values)


def ratio(samples: Samples, ours: str, baseline: str) -> Spread:
    """``ours / baseline`` round by round (both measured in the same rounds)."""
    return Spread.of([a / b for a, b in zip(samples[ours], samples[baseline], strict=True)])


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:.3f} ms"


def us(seconds: float) -> str:
    return f"{seconds * 1e6:.1f} µs"
