"""exceptions.yaml names real operations and real checks, and each decision reaches schemathesis' config."""

from __future__ import annotations

from pathlib import Path

import pytest
from schemathesis.checks import CHECKS, load_all_checks

from specforge.openapi import iter_operations
from specforge.patched import load_patched

from .exceptions import load_decisions, operations_config
from .targets import API_TARGETS


def _operation_ids(api: str) -> set[str]:
    return {op.node["operationId"] for op in iter_operations(load_patched(api).document)}


def test_every_decision_names_a_spec_operation_and_a_known_check() -> None:
    load_all_checks()
    decisions = load_decisions()
    for item in decisions.exceptions:
        assert item.api in API_TARGETS, item
        assert item.operation in _operation_ids(item.api), f"{item.api}: no operation {item.operation}"
        assert item.check in CHECKS.get_all_names(), f"unknown schemathesis check {item.check}"
    for blocked in decisions.blocked:
        assert blocked.operation in _operation_ids(blocked.api), blocked


def test_decisions_become_per_operation_config() -> None:
    decisions = load_decisions()
    config = operations_config(decisions, "mash")
    by_id = {entry["include-operation-id"]: entry for entry in config}
    assert by_id["getOrder"]["checks"]["positive_data_acceptance"] == {"expected-statuses": [200, 400, 403]}
    assert "getPricing" not in by_id or "positive_data_acceptance" not in by_id["getPricing"]["checks"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("exceptions: [{api: mash, check: ignored_auth, disable: true, operations: [getOrder], reason: short}]", "40+"),
        (
            "exceptions: [{api: mash, check: ignored_auth, disable: true, operations: '*', reason: "
            "'a reason long enough to pass the length rule, but no list'}]",
            "one by one",
        ),
        (
            "exceptions: [{api: mash, check: ignored_auth, operations: [getOrder], reason: "
            "'a reason long enough to pass the length rule, but neither kind'}]",
            "exactly one",
        ),
        ("blocked: [{api: mash, operations: [getOrder], reason: 'a reason that is long enough to pass'}]", "tracking"),
    ],
)
def test_malformed_decisions_are_refused(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "exceptions.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=problem):
        load_decisions(path)
