"""schemathesis cases per second: the simulators in-process vs over real HTTP(S), same suite, same profile."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

from ._measure import Figure, Stats

__all__ = ["contract_rate"]

ROOT = Path(__file__).resolve().parents[1]


def _run(target: str) -> tuple[int, float]:
    """Cases and wall seconds of the server-side contract tests (start-up included)."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "contract_tests/test_server_contract.py", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT, env={**os.environ, "CONTRACT_TARGET": target}, capture_output=True, text=True, check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    if done.returncode:
        raise RuntimeError(f"contract run ({target}) failed:\n{done.stdout[-3000:]}")
    cases = sum(int(n) for n in re.findall(r"^\w+: (\d+) cases$", done.stdout, flags=re.MULTILINE))
    return cases, seconds


def contract_rate(runs: int) -> Figure:
    """Median cases/s of `runs` runs per target."""
    ours = [_run("in-process") for _ in range(runs)]
    anchor = [_run("http") for _ in range(runs)]
    figure = Figure(
        name="contract suite (schemathesis, both APIs, fast profile), cases/s in-process",
        unit="cases/s",
        ours=Stats.of([cases / seconds for cases, seconds in ours]),
        anchor_name="the same suite over HTTP(S) against `serve`d simulators",
        anchor=Stats.of([cases / seconds for cases, seconds in anchor]),
        target="report",
        higher_is_better=True,
        note=f"{ours[0][0]} cases in-process, {anchor[0][0]} over HTTP per run; wall time includes pytest start-up",
    )
    return figure
