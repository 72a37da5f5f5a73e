"""The breaking-change differ against a corpus of before/after pairs, one per oasdiff rule."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from specforge import _yaml
from specforge.document import to_json_data
from specforge.review.breaking import COMPATIBLE_RULES, diff_specs

CORPUS = sorted((Path(__file__).parent / "corpus" / "breaking").glob("*.yaml"))


def _spec(text: str, case: Path) -> dict[str, Any]:
    data = to_json_data(_yaml.loads(text, case), case)
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize("case", CORPUS, ids=lambda path: path.stem)
def test_pair_produces_exactly_its_findings(case: Path) -> None:
    data = _yaml.load(case)
    changes = diff_specs(_spec(data["before"], case), _spec(data["after"], case))
    found = {(c.rule, c.location, c.breaking) for c in changes}
    assert found == {(e["rule"], e["location"], e["breaking"]) for e in data["expect"]}


@pytest.mark.parametrize("case", CORPUS, ids=lambda path: path.stem)
def test_corpus_file_is_named_after_the_rule_it_exercises(case: Path) -> None:
    data = _yaml.load(case)
    if case.stem.startswith("none-"):
        assert data["expect"] == []
    else:
        assert data["rule"] == case.stem
        assert case.stem in {e["rule"] for e in data["expect"]} or data["rule"] == "response-property-format-changed"


def test_corpus_covers_both_verdicts() -> None:
    verdicts = {e["breaking"] for case in CORPUS for e in _yaml.load(case)["expect"]}
    assert verdicts == {True, False}
    assert len([case for case in CORPUS if case.stem.startswith("none-")]) >= 3


def test_additions_are_compatible_and_removals_are_not() -> None:
    assert {
        "endpoint-added",
        "response-optional-property-added",
        "response-property-enum-value-added",
    } <= COMPATIBLE_RULES
    assert not {"api-path-removed-without-deprecation", "request-property-removed"} & COMPATIBLE_RULES


def test_recursive_schema_terminates_and_finds_nested_change() -> None:
    def spec(child_type: str) -> dict[str, Any]:
        node = {
            "type": "object",
            "properties": {
                "name": {"type": child_type},
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
            },
        }
        op = {
            "responses": {
                "200": {
                    "description": "ok",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Node"}}},
                }
            }
        }
        return {"openapi": "3.1.0", "paths": {"/tree": {"get": op}}, "components": {"schemas": {"Node": node}}}

    changes = diff_specs(spec("string"), spec("integer"))
    assert [(c.rule, c.location) for c in changes] == [
        ("response-property-type-changed", "GET /tree response[200][application/json] name")
    ]
