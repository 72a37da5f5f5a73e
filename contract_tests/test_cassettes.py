"""Committed cassettes (contract_tests/cassettes/<api>/*.jsonl) replayed against the simulators: regression tests.

Each was recorded through the validating proxy (`python -m tests.traffic.scenarios`); a cassette recorded from a
vendor's sandbox can be dropped in beside them. Every exchange must get the recorded status and body shape.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from trafficcheck.replay import load_cassette, replay, to_markdown

CASSETTES = Path(__file__).parent / "cassettes"
CASES = sorted((path.parent.name, path) for path in CASSETTES.glob("*/*.jsonl"))


def test_every_api_with_a_simulator_has_a_cassette() -> None:
    assert {api for api, _ in CASES} >= {"mash", "mycashflow"}


@pytest.mark.parametrize(("api", "cassette"), CASES, ids=[f"{api}/{path.name}" for api, path in CASES])
def test_the_simulator_answers_the_cassette_alike(api: str, cassette: Path) -> None:
    entries = load_cassette(cassette)
    assert {entry["api"] for entry in entries} == {api}
    results = replay(entries)
    assert len(results) == len(entries)
    assert all(result.same for result in results), to_markdown(results, cassette.name)
