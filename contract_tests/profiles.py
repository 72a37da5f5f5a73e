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
    # bodies each response still draws when other responses of its API have the same schema (see `bodies`)
    shared_floor: int
    # (api, bodies): APIs whose every decoding branch fewer bodies per schema were measured to reach
    bodies_capped: tuple[tuple[str, int], ...] = ()
    # (api, cases): APIs whose fuzzing budget is not fuzz_cases_per_api (see `fuzz_cases`)
    fuzz_cases_for: tuple[tuple[str, int], ...] = ()

    def fuzz_cases(self, api: str) -> int:
        """schemathesis fuzzing cases for `api`, spread over its operations by `max_examples`."""
        return dict(self.fuzz_cases_for).get(api, self.fuzz_cases_per_api)

    def bodies(self, api: str, sharing: int = 1) -> int:
        """Response bodies drawn per JSON response of `api` in test_client_decodes.py, when `sharing` responses of
        the API have the same (widened) schema.

        A schema's budget is spread over the responses that share it, each still drawing `shared_floor`: the
        bodies exercise the model the schema decodes to, the same code whichever operation answers, while each
        operation's own parse path needs one body. MyCashflow's error body is shared by 160 of its 267 responses:
        100 bodies each drew 16,000 bodies of that one schema, of 26,700 MyCashflow bodies in all (issue 21).
        """
        per_schema = min(self.bodies_per_schema, dict(self.bodies_capped).get(api, self.bodies_per_schema))
        return max(min(per_schema, self.shared_floor), math.ceil(per_schema / max(1, sharing)))

    def max_examples(self, api: str, operations: int) -> int:
        """schemathesis' per-operation fuzzing budget: the API's fuzzing cases spread over its operations."""
        return max(1, math.ceil(self.fuzz_cases(api) / max(1, operations)))

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
        shared_floor=3,
    ),
    # Random on purpose: each thorough run explores new inputs; print_blob keeps failures replayable.
    # Issue 21 (a thorough run in 3 minutes on 2 cores) cut three of these budgets, each on the evidence beside it.
    "thorough": Profile(
        "thorough",
        # "≥ 10,000 schemathesis cases per API" counts every case sent: fuzzing plus the coverage, examples and
        # stateful phases' own cases, which differ per API (seed 21: Mash about 2,200, MyCashflow v1 5,550, v0
        # 3,300). Each API gets the fuzzing that brings it to about 10,500: 8,500 fuzzing cases each made Mash
        # 10,672, MyCashflow v1 14,065 and v0 12,195; 5,100 and 7,200 make v1 10,660 and v0 10,533 (BENCHMARKS.md,
        # issue 21). The bench's thorough row checks every API's count against 10,000.
        fuzz_cases_per_api=8_500,
        fuzz_cases_for=(("mycashflow", 5_100), ("mycashflow_v0", 7_200)),
        stateful_runs=100,
        stateful_steps=30,
        # The lifecycle machine catches each mutant of test_mycashflow_lifecycle_mutants.py within 120 runs of 30
        # steps (3,600 steps; most within 20 runs): 100 runs of 50 steps is 5,000. The simulators' branch coverage
        # from each model is the same at 50 runs of 50 steps as at 150 (BENCHMARKS.md, issue 21). 300 runs took a
        # quarter of the thorough run outside the schemathesis tests.
        model_runs=100,
        model_steps=50,
        bodies_per_schema=100,
        # Mash: the generated client's and mash_sdk's branch coverage is the same at 10 bodies per schema as at 30
        # and 100 (BENCHMARKS.md, issue 21), and its order bodies cost 0.2 s each to draw (100 of them were a
        # fifth of a thorough run). MyCashflow keeps 100: 30 bodies reach branches 10 do not.
        bodies_capped=(("mash", 30),),
        derandomize=False,
        shared_floor=10,
    ),
}
