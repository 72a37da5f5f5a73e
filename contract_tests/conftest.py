"""The contract run: profile (`--contract-profile`), targets (environment), deselection, shards, and the summary.

Parallel runs (pytest-xdist, `-n auto`): every worker process starts its own in-process simulators (session.start
in its own pytest_configure), runs with the one seed the controller chose, and sends its per-operation tally and
wire-guard counts to the controller, which prints and writes one summary; pytest's own --junitxml is one file.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from simulators._serving.heap import freeze_start_up_heap

from . import (
    auth_probes,
    deferred_examples,
    framing_headers,  # noqa: F401 (registers its schemathesis hook on import)
    heap,
    object_strategies,
    sandbox_run,
    session,
    stack_room,
    summary,
    validated_once,
)
from .listening import NotListeningError
from .profiles import PROFILES
from .schemas import lasting_creates
from .sharding import parse_shard, split
from .targets import ALLOW_LEFTOVERS, API_TARGETS, Target, TargetError
from .wire_guard import GUARD, Refusal

_API_IN_NAME = re.compile(r"^[^\[]+\[(\w+)\]")
_TARGETED_MODULE = "test_server_contract.py"
_SEED = "contract_seed"  # the controller's seed, in each xdist worker's workerinput
_TALLY = "contract_tally"  # a worker's tally and wire-guard counts, in its workeroutput

object_strategies.install()  # before any test module builds a schema strategy (object_strategies.py says why)
validated_once.install()  # hypothesis validates a filtered strategy once, not before every draw (validated_once.py)
auth_probes.install()  # ignored_auth confirms an operation's auth once per process, as schemathesis' runner does
deferred_examples.install()  # an operation test makes its examples and coverage cases when it runs, not at collection


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
    parser.addoption(
        "--contract-shard",
        default=os.environ.get("CONTRACT_SHARD", ""),
        metavar="I/N",
        help="run the I-th of N deterministic shares of the suite, split by operation (docs/contract-tests.md)",
    )
    parser.addoption(
        "--contract-summary",
        default=None,
        metavar="PATH",
        help="also write the per-operation summary as JSON (what `nox -s contract-merge` adds up)",
    )
    sandbox_run.add_options(parser)  # --sandbox-record, --sandbox-rate, --sandbox-max-wait


@pytest.hookimpl(tryfirst=True)  # before hypothesis' own plugin reads --hypothesis-seed
def pytest_configure(config: pytest.Config) -> None:
    heap.tune_collector()
    stack_room.install(config.pluginmanager)  # tests called with room on CPython's data stack (stack_room.py)
    name = str(config.getoption("--contract-profile"))
    settings.load_profile(PROFILES[name].hypothesis_profile)  # registered in the root conftest.py
    shard = str(config.getoption("--contract-shard"))
    if shard:
        try:
            parse_shard(shard)
        except ValueError as exc:
            raise pytest.UsageError(str(exc)) from None
    if not PROFILES[name].derandomize:
        # One seed for the whole run: every test (on every worker, in every shard) draws from it, so a run is
        # replayed with --hypothesis-seed and a split run draws exactly what one run draws.
        workerinput: dict[str, Any] | None = getattr(config, "workerinput", None)
        if workerinput is not None:
            config.option.hypothesis_seed = workerinput[_SEED]
        elif config.option.hypothesis_seed is None:
            config.option.hypothesis_seed = str(secrets.randbelow(2**32))
    try:
        run = session.start(name, config.getoption("--api"), sandbox_run.options_from(config))
        sandbox_run.register(config, run.sandbox)
    except NotListeningError as exc:
        raise pytest.UsageError(str(exc)) from None
    except TargetError as exc:
        raise pytest.UsageError(f"contract target refused: {exc}") from None


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """xdist controller: hand each worker the run's seed."""
    node.workerinput[_SEED] = node.config.option.hypothesis_seed


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """xdist controller: add a finished worker's tally and wire-guard counts to this process's."""
    sent = getattr(node, "workeroutput", {}).get(_TALLY)
    if sent is None:
        return
    summary.TALLY.merge(summary.Tally.from_json(sent["tally"]))
    GUARD.absorb(
        {(api, method): count for api, method, count in sent["guard_sent"]},
        [Refusal(**refusal) for refusal in sent["guard_refused"]],
    )


def pytest_unconfigure(config: pytest.Config) -> None:
    session.stop()


def pytest_report_header(config: pytest.Config) -> list[str]:
    run = session.current()
    lines = [f"contract profile: {run.profile.name}"]
    if config.option.hypothesis_seed is not None:
        lines.append(f"contract seed: {config.option.hypothesis_seed} (replay with --hypothesis-seed)")
    shard = str(config.getoption("--contract-shard"))
    if shard:
        lines.append(f"contract shard: {shard}")
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
    shard = str(config.getoption("--contract-shard"))
    if shard:
        keep, other_shards = split(keep, parse_shard(shard))
        dropped += other_shards
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


def pytest_collection_finish(session: pytest.Session) -> None:
    freeze_start_up_heap()  # what collection built (schemas, strategies, simulators) lives to the end: heap.py


@pytest.hookimpl(tryfirst=True)  # before pytest's own collection hooks read the node ids (-k, --deselect, xdist)
def pytest_itemcollected(item: pytest.Item) -> None:
    """`test_operation[<api>][<METHOD /path>]` as the node id of each schemathesis item.

    pytest 9.2 builds a Function's node id from `originalname` (+ callspec), and schemathesis 4.32 puts the API
    and operation in `name` only: every operation would share the id `…::test_operation` (in JUnit, in -k, in
    xdist's and our shards' bookkeeping). The name is already unique; the id is made from it.
    """
    if getattr(item, "operation_label", None) and item.name != item.nodeid.rsplit("::", 1)[-1]:
        item._id = item.parent.id.child(item.name)  # type: ignore[union-attr]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    workeroutput: dict[str, Any] | None = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput[_TALLY] = {
            "tally": summary.TALLY.as_json(),
            "guard_sent": [[api, method, count] for (api, method), count in sorted(GUARD.sent.items())],
            "guard_refused": [vars(refusal) for refusal in GUARD.refusals],
        }
        return
    # A refused request fails the test that made it; should anything have swallowed that failure, the run fails.
    if GUARD.refusals and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    path = session.config.getoption("--contract-summary")
    if path:
        _write_summary(Path(str(path)), session.config)


def _write_summary(path: Path, config: pytest.Config) -> None:
    """The per-operation tally with what makes it comparable to another shard's: profile, seed, shard."""
    document = {
        **summary.TALLY.as_json(),
        "profile": str(config.getoption("--contract-profile")),
        "seed": config.option.hypothesis_seed,
        "shard": str(config.getoption("--contract-shard")) or "1/1",
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")


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
        lasting = sorted(lasting_creates(api, target))
        if lasting:
            terminalreporter.write_line(
                f"NOT SENT: {api} {', '.join(lasting)} — no operation removes what they create "
                f"(set {ALLOW_LEFTOVERS}=1 to send them; the cleanup report then lists what is left)",
                yellow=True,
            )
        if isinstance(target, Target) and target.read_only:
            terminalreporter.write_line(
                f"READ-ONLY: {api} — GET operations only, no unexpected-method probes, stateful tests not selected; "
                "anything else is refused on the wire "
                "(set CONTRACT_ALLOW_WRITES=1 for a store you may write to)",
                yellow=True,
            )
