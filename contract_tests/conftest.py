"""The contract run: profile (`--contract-profile`), targets (environment), deselection, and the summary."""

from __future__ import annotations

import os
import re

import pytest
from hypothesis import settings

from . import session, summary
from .listening import NotListeningError
from .profiles import PROFILES
from .targets import API_TARGETS, Target, TargetError
from .wire_guard import GUARD

_API_IN_NAME = re.compile(r"^[^\[]+\[(\w+)\]")
_TARGETED_MODULE = "test_server_contract.py"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--contract-profile",
        choices=sorted(PROFILES),
        default=os.environ.get("CONTRACT_PROFILE", "fast"),
        help="contract-test budget: fast (CI, default) or thorough (≥ 10 000 cases per API)",
    )
    parser.addoption(
        "--api",
        action="append",
        choices=sorted(API_TARGETS),
        default=[],
        help="run only this API's contract tests (repeatable); the other simulators are not started",
    )


def pytest_configure(config: pytest.Config) -> None:
    name = str(config.getoption("--contract-profile"))
    settings.load_profile(PROFILES[name].hypothesis_profile)  # registered in the root conftest.py
    try:
        session.start(name, config.getoption("--api"))
    except NotListeningError as exc:
        raise pytest.UsageError(str(exc)) from None
    except TargetError as exc:
        raise pytest.UsageError(f"contract target refused: {exc}") from None


def pytest_unconfigure(config: pytest.Config) -> None:
    session.stop()


def pytest_report_header(config: pytest.Config) -> list[str]:
    run = session.current()
    lines = [f"contract profile: {run.profile.name}"]
    for api, target in sorted(run.targets.items()):
        lines.append(
            f"contract target: {target.label}" if isinstance(target, Target) else f"contract target: {api} NOT SELECTED"
        )
    return lines


def _api_of(item: pytest.Item) -> str | None:
    """The API a target-dependent test talks to: `test_x[<api>]…` in test_server_contract.py."""
    if item.path.name != _TARGETED_MODULE:
        return None
    found = _API_IN_NAME.match(item.name)
    return found.group(1) if found else None


def _other_api(item: pytest.Item, chosen: list[str]) -> bool:
    """With `--api`: a test of an API not chosen (by its `api` parameter or its `test_<api>_rules.py` module)."""
    if not chosen:
        return False
    callspec = getattr(item, "callspec", None)
    api = callspec.params.get("api") if callspec is not None else None
    if api is None:
        api = next((name for name in API_TARGETS if item.path.name == f"test_{name}_rules.py"), None)
    return api is not None and api not in chosen


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    run = session.current()
    chosen: list[str] = config.getoption("--api")
    keep: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        api = _api_of(item)
        target = run.targets.get(api) if api else None
        unselected = _other_api(item, chosen) or (api is not None and not isinstance(target, Target))
        read_only_stateful = isinstance(target, Target) and target.read_only and item.name.startswith("test_stateful")
        (dropped if unselected or read_only_stateful else keep).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # A refused request fails the test that made it; should anything have swallowed that failure, the run fails.
    if GUARD.refusals and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    run = session.current()
    lines = summary.TALLY.lines()
    if lines:
        terminalreporter.write_sep("=", "contract summary per operation")
        for line in lines:
            terminalreporter.write_line(line)
    for line in GUARD.summary():
        terminalreporter.write_line(line, red=bool(GUARD.refusals), green=not GUARD.refusals)
    for api, reason in sorted(run.not_selected().items()):
        terminalreporter.write_line(f"NOT SELECTED: {api} contract tests — {reason}", yellow=True)
    for api, target in sorted(run.targets.items()):
        if isinstance(target, Target) and target.read_only:
            terminalreporter.write_line(
                f"READ-ONLY: {api} — GET operations only, no unexpected-method probes, stateful tests not selected; "
                "anything else is refused on the wire "
                "(set CONTRACT_ALLOW_WRITES=1 for a store you may write to)",
                yellow=True,
            )
