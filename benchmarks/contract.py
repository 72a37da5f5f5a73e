"""Contract suite figures: wall time of both profiles on every core, cases/s per core, sharded = unsharded.

Every run is a child `pytest contract_tests` (start-up and collection included, as a user waits for them). CPU time
is the children's user + system time (xdist workers included: the controller waits for them), so "cases/s per
core" is schemathesis cases per CPU-second, the figure that stays meaningful on a shared, loaded machine.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from junitparser import JUnitXml

from noxfile import CONTRACT_ENV

from ._measure import Figure, Stats

__all__ = ["contract_figures", "contract_rate"]

ROOT = Path(__file__).resolve().parents[1]
# Measured before issue 21 on this 2-core machine (commit e7b7059, one process, `nice -n 10`, load average 6 to 8
# from other work): `pytest contract_tests/test_server_contract.py --contract-profile fast` ran 6,692 cases in 73.4
# CPU-seconds; the issue's own figures on a quiet machine: thorough 715 s and fast 70 s of wall time.
BEFORE_CASES_PER_CPU_S = 6692 / 73.4
BEFORE_THOROUGH_S = 715.0
BEFORE_FAST_S = 70.0


@dataclass
class Run:
    cases: dict[str, int]  # per API
    wall_s: float
    cpu_s: float
    verdicts: dict[str, str]  # JUnit test name → passed / failed / skipped
    per_operation: dict[str, tuple[int, int]]  # "api METHOD /path" → (cases, failed cases)
    load: tuple[float, float] = (0.0, 0.0)  # the machine's 1-minute load average when the run started and ended

    @property
    def total(self) -> int:
        return sum(self.cases.values())

    @property
    def rate(self) -> float:
        """schemathesis cases per CPU-second (every process of the run)."""
        return self.total / self.cpu_s

    def described(self) -> str:
        per_api = ", ".join(f"{api} {n}" for api, n in sorted(self.cases.items()))
        return (
            f"{self.total} cases ({per_api}), {len(self.verdicts)} tests, {self.wall_s:.0f} s wall, {self.cpu_s:.0f} "
            f"CPU-s, load average {self.load[0]:.1f} → {self.load[1]:.1f}"
        )


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _verdict(case: object) -> str:
    result = getattr(case, "result", None) or []
    return type(result[0]).__name__.lower() if result else "passed"


def run_suite(*args: str, paths: tuple[str, ...] = ("contract_tests",), target: str = "in-process") -> Run:
    """One child pytest run of the contract suite: cases, wall and CPU seconds, and what every test concluded."""
    with tempfile.TemporaryDirectory(prefix="bench-contract-") as folder:
        junit, summary = Path(folder) / "junit.xml", Path(folder) / "summary.json"
        command = [sys.executable, "-m", "pytest", *paths, "-q", "-p", "no:cacheprovider",
                   f"--junitxml={junit}", f"--contract-summary={summary}", *args]  # fmt: skip
        load = os.getloadavg()[0]
        cpu, started = _children_cpu(), time.perf_counter()
        environment = {**os.environ, **CONTRACT_ENV, "CONTRACT_TARGET": target}  # as `nox -s contract` runs
        done = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, check=False)
        wall, cpu = time.perf_counter() - started, _children_cpu() - cpu
        if done.returncode:
            raise RuntimeError(f"contract run {' '.join(args)} failed:\n{done.stdout[-3000:]}")
        cases = {api: int(n) for api, n in re.findall(r"^(\w+): (\d+) cases$", done.stdout, flags=re.MULTILINE)}
        verdicts = {f"{c.classname}::{c.name}": _verdict(c) for suite in JUnitXml.fromfile(str(junit)) for c in suite}
        operations = json.loads(summary.read_text())["operations"]
        per_operation = {f"{o['api']} {o['operation']}": (o["cases"], o["failed_cases"]) for o in operations}
    return Run(cases, wall, cpu, verdicts, per_operation, (load, os.getloadavg()[0]))


def _merged(shards: list[Run]) -> Run:
    merged = Run({}, max(s.wall_s for s in shards), sum(s.cpu_s for s in shards), {}, {})
    for shard in shards:
        for api, count in shard.cases.items():
            merged.cases[api] = merged.cases.get(api, 0) + count
        merged.verdicts.update(shard.verdicts)
        for operation, (cases, failed) in shard.per_operation.items():
            before = merged.per_operation.get(operation, (0, 0))
            merged.per_operation[operation] = (before[0] + cases, before[1] + failed)
    return merged


def _fixed(value: float) -> Stats:
    return Stats(value, value, value, 1)


def contract_figures(quick: bool) -> list[Figure]:
    """Fast profile on every core, cases per CPU-second (one process as the baseline, and on every core),
    2 shards vs one run, and (unless quick) the thorough profile: the whole suite and its schemathesis tests."""
    seed = "--hypothesis-seed=21"  # one seed for every run compared (the fast profile is derandomized anyway)
    every_core = ("-n", "auto", "--dist=worksteal")  # as `nox -s contract` runs
    server_tests = ("contract_tests/test_server_contract.py",)
    fast = run_suite("--contract-profile=fast", *every_core, seed)
    one = run_suite("--contract-profile=fast", "-n", "0", paths=server_tests)
    cores = run_suite("--contract-profile=fast", *every_core, paths=server_tests)
    shards = [run_suite("--contract-profile=fast", *every_core, seed, f"--contract-shard={i}/2") for i in (1, 2)]
    merged = _merged(shards)
    same = merged.verdicts == fast.verdicts and merged.per_operation == fast.per_operation
    baseline = "before issue 21, same tests, one process (recorded)"
    figures = [
        Figure(
            name="contract suite, fast profile, wall time on every core (-n auto)",
            unit="s",
            ours=_fixed(fast.wall_s),
            anchor_name="before issue 21, one process (the issue's figure)",
            anchor=_fixed(BEFORE_FAST_S),
            target="< 30 s",
            met=fast.wall_s < 30,
            note=fast.described(),
        ),
        Figure(
            name="contract server tests (schemathesis), fast profile, cases per CPU-second, one process",
            unit="cases/CPU-s",
            ours=_fixed(one.rate),
            anchor_name=baseline,
            anchor=_fixed(BEFORE_CASES_PER_CPU_S),
            target="≥ 2×",
            higher_is_better=True,
            met=one.rate >= 2 * BEFORE_CASES_PER_CPU_S,
            note=f"{one.described()}; start-up and collection included",
        ),
        Figure(
            name="contract server tests (schemathesis), fast profile, cases per CPU-second on every core (-n auto)",
            unit="cases/CPU-s",
            ours=_fixed(cores.rate),
            anchor_name=baseline,
            anchor=_fixed(BEFORE_CASES_PER_CPU_S),
            target="report",
            higher_is_better=True,
            note=f"{cores.described()}; every worker starts and collects the whole suite, the controller too",
        ),
        Figure(
            name="2 shards (--contract-shard 1/2, 2/2) merged vs one run, fast profile: cases",
            unit="cases",
            ours=_fixed(merged.total),
            anchor_name="the unsharded run",
            anchor=_fixed(fast.total),
            target="equal cases and verdicts",
            met=same,
            note=f"{len(merged.verdicts)} tests merged, verdicts {'equal' if same else 'DIFFER'} per test and "
            f"per operation; shards' wall {shards[0].wall_s:.0f} s and {shards[1].wall_s:.0f} s",
        ),
    ]
    if not quick:
        thorough = run_suite("--contract-profile=thorough", *every_core, seed)
        server = run_suite("--contract-profile=thorough", *every_core, seed, paths=server_tests)
        least = min(thorough.cases.values())
        figures += [
            Figure(
                name="contract suite, thorough profile (≥ 10,000 cases per API), wall time on every core",
                unit="s",
                ours=_fixed(thorough.wall_s),
                anchor_name="before issue 21, one process (the issue's figure)",
                anchor=_fixed(BEFORE_THOROUGH_S),
                target="< 180 s, ≥ 10,000 cases per API",
                met=thorough.wall_s < 180 and least >= 10_000,
                note=thorough.described(),
            ),
            Figure(
                name="contract server tests (schemathesis), thorough profile, wall time on every core",
                unit="s",
                ours=_fixed(server.wall_s),
                anchor_name="before issue 21, the whole thorough suite, one process (the issue's figure)",
                anchor=_fixed(BEFORE_THOROUGH_S),
                target="report",
                note=f"{server.described()}; {server.rate:.0f} cases per CPU-second",
            ),
        ]
    return figures


def contract_rate(runs: int) -> Figure:
    """Median cases/s of `runs` runs per target: the simulators in-process vs over real HTTP(S)."""
    paths = ("contract_tests/test_server_contract.py",)
    ours = [run_suite("-n", "0", paths=paths) for _ in range(runs)]
    anchor = [run_suite("-n", "0", paths=paths, target="http") for _ in range(runs)]
    return Figure(
        name="contract server tests (schemathesis), fast profile, one process, cases/s in-process",
        unit="cases/s",
        ours=Stats.of([run.total / run.wall_s for run in ours]),
        anchor_name="the same tests over HTTP(S) against simulators on loopback",
        anchor=Stats.of([run.total / run.wall_s for run in anchor]),
        target="report",
        higher_is_better=True,
        note=f"{ours[0].total} cases in-process, {anchor[0].total} over HTTP per run; wall time includes start-up",
    )
