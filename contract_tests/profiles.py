"""How much each contract run does: `fast` (CI, derandomized) and `thorough` (≥ 10 000 cases per API)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from hypothesis import settings

__all__ = ["PROFILES", "Profile"]


@dataclass(frozen=True)
class Profile:
    """Budgets per API: schemathesis fuzzing cases (spread over its operations), stateful runs, model runs."""

    name: str
    fuzz_cases_per_api: int
    stateful_runs: int
    stateful_steps: int
    model_runs: int
    model_steps: int
    bodies_per_schema: int
    derandomize: bool

    def max_examples(self, operations: int) -> int:
        """schemathesis' per-operation fuzzing budget, so that every API gets about the same number of cases."""
        return max(1, math.ceil(self.fuzz_cases_per_api / max(1, operations)))

    @property
    def hypothesis_profile(self) -> str:
        """The hypothesis profile under this budget, registered with every other one in the root conftest.py."""
        return f"contract-{self.name}"

    def hypothesis(self, max_examples: int, **overrides: object) -> settings:
        """Settings for our own hypothesis tests under this profile (its hypothesis profile is the parent)."""
        parent = settings.get_profile(self.hypothesis_profile)
        return settings(parent, max_examples=max_examples, **overrides)  # type: ignore[arg-type]


PROFILES = {
    # CI on 2 cores: the whole contract run (both APIs, every phase) stays well under 5 minutes.
    "fast": Profile(
        "fast",
        fuzz_cases_per_api=600,
        stateful_runs=10,
        stateful_steps=10,
        model_runs=30,
        model_steps=25,
        bodies_per_schema=10,
        derandomize=True,
    ),
    # Random on purpose: each thorough run explores new inputs; print_blob keeps failures replayable.
    "thorough": Profile(
        "thorough",
        fuzz_cases_per_api=10_000,
        stateful_runs=100,
        stateful_steps=30,
        model_runs=300,
        model_steps=50,
        bodies_per_schema=100,
        derandomize=False,
    ),
}
