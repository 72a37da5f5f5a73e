"""The contract run's garbage collector: fewer young-generation passes, and the collected suite out of its sight.

hypothesis and schemathesis allocate short-lived containers by the million (every drawn case, every strategy
they build per draw). At CPython's default threshold (a young-generation pass every 700 allocations) those passes
run thousands of times a second, and the older generations' passes traverse every compiled spec, built operation
test and seeded store the process holds, objects that live until the run ends. Measured side by side on 2 cores
(2026-12-03, issue 21): `pytest contract_tests --contract-profile=fast -n auto` 72-76 -> 67-70 CPU-s (two runs
each), the server tests in one process 36.2-37.2 -> 34.2-34.3 s. A young threshold of 100,000 measured no better.
The freeze is the simulators' own (simulators._serving.heap), called once collection has built every test. Only for
the contract run (a process that runs its tests and exits: frozen objects are never collected).
"""

from __future__ import annotations

import gc

__all__ = ["YOUNG_THRESHOLD", "tune_collector"]

YOUNG_THRESHOLD = 20_000  # allocations between young-generation passes (CPython's default: 700)


def tune_collector() -> None:
    """Before start-up and collection, which allocate as much as the tests."""
    gc.set_threshold(YOUNG_THRESHOLD, 20, 20)
