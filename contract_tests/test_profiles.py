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
def test_thorough_fuzzes_more_than_fast_for_every_api(api: str) -> None:
    assert PROFILES["thorough"].fuzz_cases(api) > PROFILES["fast"].fuzz_cases(api)


def test_an_apis_fuzzing_budget_is_spread_over_its_operations() -> None:
    thorough = PROFILES["thorough"]
    assert thorough.fuzz_cases("mycashflow") < thorough.fuzz_cases("mash") == thorough.fuzz_cases_per_api
    assert thorough.max_examples("mycashflow", 40) == -(-thorough.fuzz_cases("mycashflow") // 40)
    assert thorough.max_examples("mash", 9) == -(-thorough.fuzz_cases_per_api // 9)


@pytest.mark.parametrize("api", sorted(load_apis()))
def test_thorough_draws_more_bodies_than_fast_for_every_api(api: str) -> None:
    assert PROFILES["thorough"].bodies(api) > PROFILES["fast"].bodies(api)


def test_a_cap_only_lowers_one_apis_bodies() -> None:
    thorough = PROFILES["thorough"]
    assert thorough.bodies("mash") == 30
    assert thorough.bodies("mycashflow") == thorough.bodies_per_schema == 100


@pytest.mark.parametrize("name", sorted(PROFILES))
@pytest.mark.parametrize("sharing", [1, 2, 7, 56, 160])
def test_a_shared_schema_keeps_its_budget_and_every_response_its_floor(name: str, sharing: int) -> None:
    profile = PROFILES[name]
    for api in sorted(load_apis()):
        each = profile.bodies(api, sharing)
        assert each * sharing >= profile.bodies(api), (
            "the responses sharing a schema draw less than one schema's budget"
        )
        assert each >= min(profile.bodies(api), profile.shared_floor)
        assert each <= profile.bodies(api)


def test_a_schema_of_one_response_gets_the_whole_budget() -> None:
    assert PROFILES["thorough"].bodies("mycashflow", 1) == 100
    assert PROFILES["thorough"].bodies("mycashflow", 160) == PROFILES["thorough"].shared_floor == 10
    assert PROFILES["fast"].bodies("mycashflow", 4) == 3
