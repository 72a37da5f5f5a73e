"""The contract budgets: thorough does more of everything than fast, for every API."""

from __future__ import annotations

import pytest

from specforge.apis import load_apis

from .profiles import PROFILES

BUDGETS = ("fuzz_cases_per_api", "stateful_runs", "stateful_steps", "model_runs", "model_steps")


@pytest.mark.parametrize("budget", BUDGETS)
def test_thorough_does_more_than_fast(budget: str) -> None:
    assert getattr(PROFILES["thorough"], budget) > getattr(PROFILES["fast"], budget)


@pytest.mark.parametrize("api", sorted(load_apis()))
def test_thorough_draws_more_bodies_than_fast_for_every_api(api: str) -> None:
    assert PROFILES["thorough"].bodies(api) > PROFILES["fast"].bodies(api)


def test_a_cap_only_lowers_one_apis_bodies() -> None:
    thorough = PROFILES["thorough"]
    assert thorough.bodies("mash") == 30
    assert thorough.bodies("mycashflow") == thorough.bodies_per_schema == 100
