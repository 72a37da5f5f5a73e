"""Where a contract run's time goes, by phase, from a py-spy profile of it (`py-spy record -f raw`).

    py-spy record -r 25 -f raw -o contract.raw -- python -m pytest contract_tests -n 0 --contract-profile thorough …
    python -m benchmarks.contract_profile contract.raw

Each sample is charged to the first phase (in the order below) whose marker one of its frames carries, so
"in-process call" is everything under schemathesis' Case.call (transport, the hop to the ASGI event-loop thread)
plus that thread's own work (the simulators, for any test's requests), "checks" everything under schemathesis'
response validation, and "data generation" what is left of a schemathesis test (hypothesis and schemathesis
drawing and shrinking cases). The event-loop thread waiting in select() is idle, not a phase: it is left out.
py-spy samples wall time: the shares are what a user waits for.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

__all__ = ["PHASES", "breakdown"]

# (phase, frame markers): the first phase with a marker in a sample's stack gets the sample.
IDLE = ("EpollSelector.select", "KqueueSelector.select", "SelectSelector.select")
PHASES: list[tuple[str, tuple[str, ...]]] = [
    ("start-up (imports, simulators, targets)", ("pytest_configure", "_find_and_load", "pytest_cmdline_parse")),
    ("collection (schemathesis builds every operation's tests)", ("perform_collect",)),
    ("simulator reset before a test or scenario", ("_fresh_simulator", "_in_process_reset", "_http_reset")),
    ("client decoding (test_client_decodes)", ("test_client_decodes.py",)),
    ("business-rule models (hypothesis state machines)", ("_rules.py", "_lifecycle")),
    ("our summary hooks", ("contract_tests/summary.py",)),
    ("in-process call (transport, ASGI hop, simulator)", ("call (schemathesis/generation/case.py", "Thread._boot")),
    ("checks (response validation)", ("validate_response (schemathesis/generation/case.py", "run_checks")),
    ("stateful steps: the rest (state machine, links)", ("test_stateful",)),
    ("data generation (hypothesis + schemathesis strategies)", ("test_operation",)),
]
_LINE = re.compile(r"^(?P<stack>.*) (?P<count>\d+)$")


def breakdown(raw: str) -> Counter[str]:
    """Samples per phase (and "other") from py-spy's raw (collapsed-stack) output."""
    phases: Counter[str] = Counter()
    for line in raw.splitlines():
        found = _LINE.match(line)
        if not found:
            continue
        stack, count = found.group("stack"), int(found.group("count"))
        if any(marker in stack for marker in IDLE):
            continue
        phase = next((name for name, markers in PHASES if any(marker in stack for marker in markers)), "other")
        phases[phase] += count
    return phases


def main() -> None:
    parser = argparse.ArgumentParser(prog="contract_profile", description=__doc__.split("\n", 1)[0])
    parser.add_argument("raw", type=Path, help="py-spy record -f raw output")
    args = parser.parse_args()
    phases = breakdown(args.raw.read_text(encoding="utf-8"))
    total = sum(phases.values()) or 1
    print("| phase | samples | share |\n| --- | ---: | ---: |")
    for name, count in phases.most_common():
        print(f"| {name} | {count} | {count / total:.1%} |")


if __name__ == "__main__":
    main()
