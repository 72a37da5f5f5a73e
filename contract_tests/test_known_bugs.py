"""Every simulator bug exceptions.yaml waits for is still there; when one is fixed, its test fails: delete
the test and the exceptions.yaml entries that name it (the same contract as the quirk ledger's probes)."""

from __future__ import annotations

from collections.abc import Callable

from .exceptions import load_decisions, tracked

Probe = Callable[[], bool]


# A probe per simulator bug that exceptions.yaml is waiting for, e.g.
#   "SIM-7": lambda: <True while the bug is still there>,
# None at the moment: SIM-3 (409 on a duplicate code) was a spec gap, fixed by overlay MCF-Q14.
PROBES: dict[str, Probe] = {}


def test_tracked_bugs_have_probes_and_are_still_there() -> None:
    """One test, so an empty ledger still runs and asserts instead of collecting as skipped."""
    assert set(tracked(load_decisions())) == set(PROBES)
    fixed = [bug for bug, probe in sorted(PROBES.items()) if not probe()]
    assert not fixed, f"fixed: {fixed}; delete their probes and every exceptions.yaml entry tracking them"
