"""Hypothesis profiles, defined once for every test tree; each nox session names the one it runs.

All derive from hypothesis' built-in "ci" profile (derandomized, no deadline, no example database), so a run
is reproducible whether or not CI is set; none is named "ci", which hypothesis loads by itself when CI is set.

- `tests` (`nox -s tests`): hypothesis' default budget of 100 examples per test, reproducibly.
- `fast` / `thorough`: the Mash simulator's fuzz budget (tests/simulators/mash/test_fuzz.py), 200 examples in CI,
  5000 random ones when asked for (`SIMULATOR_HYPOTHESIS_PROFILE=thorough`).
- `contract-fast` / `contract-thorough` (`nox -s contract`, picked by `--contract-profile`): the contract
  suite's budgets live in contract_tests/profiles.py; these are the hypothesis settings under them.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

_CI = settings.get_profile("ci")

settings.register_profile("tests", parent=_CI)
settings.register_profile("fast", parent=_CI, max_examples=200)
settings.register_profile("thorough", parent=_CI, derandomize=False, max_examples=5000)
for _name, _derandomize in (("fast", True), ("thorough", False)):
    settings.register_profile(
        f"contract-{_name}",
        parent=_CI,
        derandomize=_derandomize,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    )
