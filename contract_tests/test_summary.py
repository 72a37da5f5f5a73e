"""The per-operation summary printed at the end of a run adds cases up per API and names failed checks."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from .summary import OperationTally, Tally


def test_lines_name_each_operation_its_counts_and_failed_checks() -> None:
    tally = Tally(
        {
            ("mash", "GET /orders/{orderId}"): OperationTally(
                cases=7, failed_cases=1, checks_run=Counter(a=7, b=7), checks_failed=Counter(b=1)
            ),
            ("mash", "POST /orders"): OperationTally(cases=5, checks_run=Counter(a=5)),
        }
    )
    header, first, second, total = tally.lines()
    assert header.split()[:5] == ["api", "operation", "cases", "failed", "checks"]
    assert first.split() == ["mash", "GET", "/orders/{orderId}", "7", "1", "2", "b", "×1"]
    assert second.split() == ["mash", "POST", "/orders", "5", "0", "1", "-"]
    assert total == "mash: 12 cases"
    assert Tally().lines() == []


def _tally(cases: int, failed: int = 0) -> Tally:
    return Tally(
        {
            ("mash", "POST /orders"): OperationTally(
                cases=cases, failed_cases=failed, checks_run=Counter(a=cases), checks_failed=Counter(a=failed)
            )
        }
    )


def test_tallies_of_two_processes_add_up_and_survive_json() -> None:
    merged = _tally(5, 1)
    merged.merge(Tally.from_json(json.loads(json.dumps(_tally(7).as_json()))))
    merged.merge(Tally({("mash", "GET /pricing"): OperationTally(cases=2)}))
    assert merged.operations[("mash", "POST /orders")] == OperationTally(12, 1, Counter(a=12), Counter(a=1))
    assert merged.lines()[-1] == "mash: 14 cases"


@pytest.mark.parametrize(
    ("document", "says"),
    [
        ({"format": 2, "operations": []}, "format 1"),
        ([], "format 1"),
        ({"format": 1, "operations": [{"api": "mash"}]}, r"operations\[0\]: KeyError"),
        (
            {"format": 1, "operations": [{"api": "m", "operation": "o", "cases": -1, "failed_cases": 0,
                                          "checks_run": {}, "checks_failed": {}}]},
            r"operations\[0\].*expected a count",
        ),
    ],
)  # fmt: skip
def test_a_malformed_summary_is_refused_with_where(document: object, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        Tally.from_json(document)


def test_an_api_name_longer_than_the_column_still_leaves_a_space() -> None:
    tally = Tally({("mycashflow_v0", "GET /orders"): OperationTally(cases=1)})
    assert tally.lines()[1].split()[:3] == ["mycashflow_v0", "GET", "/orders"]
