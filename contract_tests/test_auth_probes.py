"""ignored_auth with its runner's memory (auth_probes.py): an operation is probed until it is confirmed, per API."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from schemathesis.checks import CHECKS

from . import auth_probes
from .schemas import first_case, in_process_schema
from .summary import TALLY
from .targets import API_TARGETS


@pytest.fixture(autouse=True)
def _outside_the_summary(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """These calls are not the run's cases: the tally and the memory are as they were afterwards."""
    monkeypatch.setattr(TALLY, "operations", copy.deepcopy(TALLY.operations))
    monkeypatch.setattr(auth_probes, "CONFIRMED", {})
    yield


def _counting_schema(api: str, seen: list[bytes | None]) -> schemathesis.BaseSchema:
    """`api`'s schema on its simulator, noting the Authorization header of every request the simulator gets."""
    simulator = API_TARGETS[api].simulator
    assert simulator is not None  # simulated
    inner = simulator(True)

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            seen.append(dict(scope["headers"]).get(b"authorization"))
        await inner(scope, receive, send)

    return in_process_schema(api, app)


def test_an_operation_is_probed_once_it_answers_and_then_no_more() -> None:
    seen: list[bytes | None] = []
    case = first_case(_counting_schema("mycashflow", seen)["/products"]["GET"])
    assert case.call_and_validate().status_code == 200
    assert len(seen) == 3 and seen[0] is not None and seen[1] is None  # the case, no credentials, wrong ones
    assert seen[2] not in (None, seen[0])
    assert auth_probes.CONFIRMED == {"mycashflow": {"GET /products"}}
    seen.clear()
    case.call_and_validate()
    assert len(seen) == 1  # confirmed: the case alone


def test_the_memory_is_per_api() -> None:
    auth_probes.CONFIRMED["mycashflow"] = {"GET /orders"}
    seen: list[bytes | None] = []
    case = first_case(_counting_schema("mycashflow_v0", seen)["/orders"]["GET"])
    assert case.call_and_validate().status_code == 200
    assert len(seen) == 3  # v0's GET /orders is not v1's
    assert auth_probes.CONFIRMED["mycashflow_v0"] == {"GET /orders"}


def test_the_check_keeps_its_name_and_is_installed_once() -> None:
    auth_probes.install()
    check = CHECKS.get_one("ignored_auth")
    assert check.__name__ == "ignored_auth" and getattr(check, "remembers", False)
    assert CHECKS.get_all_names().count("ignored_auth") == 1


def test_another_schemathesis_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schemathesis, "__version__", "4.99.0")
    with pytest.raises(RuntimeError, match=r"4\.32\.5"):
        auth_probes.install()
