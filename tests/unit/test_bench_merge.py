"""`nox -s bench -- --only X` replaces X's rows in BENCHMARKS.json and keeps every other row (it used to drop them)."""

from __future__ import annotations

import json

from benchmarks._measure import Figure, Stats
from benchmarks.run import merged


def _row(name: str, value: float, note: str = "") -> Figure:
    return Figure(name, "s", Stats(value, value, value, 1), "anchor", None, "report", note=note)


def test_a_partial_run_replaces_its_rows_in_place_and_keeps_the_others() -> None:
    before = [_row("regen", 1.0), _row("contract fast", 70.0), _row("proxy", 3.0)]
    saved = json.loads(json.dumps([figure.as_dict() for figure in before]))  # as read back from BENCHMARKS.json
    after = merged(saved, [_row("contract fast", 40.0, "again"), _row("contract thorough", 170.0)])
    assert [figure.name for figure in after] == ["regen", "contract fast", "proxy", "contract thorough"]
    assert after[1].ours == Stats(40.0, 40.0, 40.0, 1) and after[1].note == "again"
    assert after[0] == before[0] and after[2] == before[2]
    assert after[0].anchor is None
