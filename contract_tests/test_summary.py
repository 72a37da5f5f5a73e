"""The per-operation summary printed at the end of a run adds cases up per API and names failed checks."""

from __future__ import annotations

from collections import Counter

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
