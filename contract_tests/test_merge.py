"""`nox -s contract-merge`: shards of one run become one JUnit report and one summary; anything else is refused."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from junitparser import JUnitXml

from .merge import JUNIT, SUMMARY, main
from .summary import OperationTally, Tally

_CASE = '<testcase classname="contract_tests.test_server_contract" name="{name}" time="0.1">{result}</testcase>'


def _shard(root: Path, index: int, count: int, cases: dict[str, str], *, seed: object = 7) -> Path:
    """A directory as one shard's `nox -s contract` leaves it: pytest's JUnit layout, our summary."""
    directory = root / f"shard-{index}"
    directory.mkdir(parents=True)
    body = "".join(
        _CASE.format(name=name, result='<failure message="boom">x</failure>' if verdict == "failed" else "")
        for name, verdict in cases.items()
    )
    failures = sum(verdict == "failed" for verdict in cases.values())
    (directory / JUNIT).write_text(
        f'<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests"><testsuite name="pytest" errors="0" '
        f'failures="{failures}" skipped="0" tests="{len(cases)}" time="1.0">{body}</testsuite></testsuites>'
    )
    tally = Tally(
        {("mash", name): OperationTally(cases=10, checks_run=Counter(not_a_server_error=10)) for name in cases}
    )
    document = {**tally.as_json(), "profile": "fast", "seed": seed, "shard": f"{index}/{count}"}
    (directory / SUMMARY).write_text(json.dumps(document))
    return directory


def test_two_shards_merge_into_one_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    one = _shard(tmp_path, 1, 2, {"GET /a": "passed", "GET /c": "passed"})
    two = _shard(tmp_path, 2, 2, {"GET /b": "passed"})
    into = tmp_path / "merged"
    assert main([str(two), str(one), "--into", str(into)]) == 0
    junit = JUnitXml.fromfile(str(into / JUNIT))
    assert sorted(case.name for suite in junit for case in suite) == ["GET /a", "GET /b", "GET /c"]
    assert (junit.tests, junit.failures) == (3, 0)
    merged = Tally.from_json(json.loads((into / SUMMARY).read_text()))
    assert sum(t.cases for t in merged.operations.values()) == 30
    assert "mash: 30 cases" in capsys.readouterr().out


def test_a_failure_in_any_shard_fails_the_merge(tmp_path: Path) -> None:
    one = _shard(tmp_path, 1, 2, {"GET /a": "passed"})
    two = _shard(tmp_path, 2, 2, {"GET /b": "failed"})
    assert main([str(one), str(two), "--into", str(tmp_path / "m")]) == 1


@pytest.mark.parametrize(
    ("layout", "says"),
    [
        ([(1, 2, 7)], r"shards \[1\] given, expected each of 1…2 exactly once"),
        ([(1, 2, 7), (1, 2, 7)], "exactly once"),
        ([(1, 2, 7), (2, 2, 8)], "seed 8.*seed 7.*not one run"),
        ([(1, 2, 7), (2, 3, 7)], "not one run"),
    ],
)
def test_shards_that_are_not_one_run_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], layout: list[tuple[int, int, int]], says: str
) -> None:
    directories = []
    for position, (index, count, seed) in enumerate(layout):
        directories.append(
            str(_shard(tmp_path / str(position), index, count, {f"GET /{position}": "passed"}, seed=seed))
        )
    assert main([*directories, "--into", str(tmp_path / "m")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("contract-merge: ") and re.search(says, err), err
    assert not (tmp_path / "m").exists()


@pytest.mark.parametrize(
    ("damage", "says"),
    [
        (lambda d: (d / JUNIT).unlink(), f"{JUNIT}: missing"),
        (lambda d: (d / JUNIT).write_text("<testsuites><oops"), "not a JUnit XML report"),
        (lambda d: (d / SUMMARY).write_text("{"), f"{SUMMARY}: "),
        (lambda d: (d / SUMMARY).write_text('{"format": 1, "operations": [], "shard": "3/2"}'), "between 1 and 2"),
    ],
)
def test_a_damaged_shard_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: Callable[[Path], object], says: str
) -> None:
    directory = _shard(tmp_path, 1, 1, {"GET /a": "passed"})
    damage(directory)
    assert main([str(directory), "--into", str(tmp_path / "m")]) == 2
    assert says in capsys.readouterr().err
