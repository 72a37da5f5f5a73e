"""Repeat a measurement, keep the median, and describe a figure against its anchor."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["Figure", "Stats", "paired_per_call_us", "per_call_us", "repeat", "timed"]


def per_call_us(call: Callable[[], object], calls: int, rounds: int = 1) -> float:
    """Mean µs per call after a warm-up of a tenth as many calls; the median of `rounds` such means."""
    for _ in range(max(calls // 10, 1)):
        call()
    means = []
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(calls):
            call()
        means.append((time.perf_counter() - started) / calls * 1e6)
    return statistics.median(means)


def paired_per_call_us(
    ours: Callable[[], object],
    anchor: Callable[[], object],
    calls: int,
    rounds: int,
    timer: Callable[[], float] = time.perf_counter,
) -> tuple[list[float], list[float]]:
    """Mean µs per call of `ours` and of `anchor`, one value of each per round, the two interleaved (and
    their order alternated) so that a load on the machine weighs on both alike; a warm-up of both first.
    `time.thread_time` as `timer` counts only this thread's CPU, not the time other processes take."""
    for _ in range(max(calls // 10, 1)):
        ours()
        anchor()
    ours_us: list[float] = []
    anchor_us: list[float] = []
    for index in range(rounds):
        pair = ((ours, ours_us), (anchor, anchor_us))
        for call, into in pair if index % 2 == 0 else pair[::-1]:
            started = timer()
            for _ in range(calls):
                call()
            into.append((timer() - started) / calls * 1e6)
    return ours_us, anchor_us


@dataclass
class Stats:
    """Median, min and max of several runs (warm-up runs excluded)."""

    median: float
    low: float
    high: float
    runs: int

    @classmethod
    def of(cls, values: list[float]) -> Stats:
        return cls(statistics.median(values), min(values), max(values), len(values))


@dataclass
class Figure:
    """One row of the table: our value, the anchor's value measured in the same run, the target."""

    name: str
    unit: str
    ours: Stats | None
    anchor_name: str
    anchor: Stats | None
    target: str
    higher_is_better: bool = False
    met: bool | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.ours is None or self.anchor is None or self.anchor.median == 0:
            return None
        return self.ours.median / self.anchor.median

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["ratio"] = self.ratio
        return data


def timed(action: Callable[[], object]) -> float:
    """Wall-clock seconds of one call."""
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def repeat(action: Callable[[], float], runs: int, warmup: int = 1) -> Stats:
    """Run `action` (which returns its own measurement) warmup + runs times; keep the last runs."""
    for _ in range(warmup):
        action()
    return Stats.of([action() for _ in range(runs)])
