"""object_strategies: schemathesis' objects come from kept strategies, with every key set still drawn."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from schemathesis.generation.jsonschema import strategy as engine
from schemathesis.generation.jsonschema.builder import build

from . import object_strategies


def _objects(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    return build(schema, draft=20, formats={})


def _drawn(schema: dict[str, Any]) -> tuple[list[Any], int]:
    """100 values drawn for `schema` (derandomized), and how many fixed_dictionaries strategies that built."""
    seen: list[Any] = []
    built = object_strategies.BUILT[0]

    @settings(max_examples=100, derandomize=True, database=None)
    @given(_objects(schema))
    def draw(value: Any) -> None:
        seen.append(value)

    draw()
    return seen, object_strategies.BUILT[0] - built


def test_it_is_installed_for_the_whole_run() -> None:
    assert engine._named_object is object_strategies._named_object
    assert engine._drawn_object is object_strategies._drawn_object


def test_named_objects_reuse_one_strategy_per_key_set_and_draw_every_set() -> None:
    schema = {
        "type": "object",
        "properties": {"kept-id": {"type": "integer"}, "a": {"type": "string"}, "b": {"type": "boolean"}},
        "required": ["kept-id"],
        "additionalProperties": False,
    }
    seen, built = _drawn(schema)
    assert all("kept-id" in value and set(value) <= {"kept-id", "a", "b"} for value in seen)
    assert {frozenset(value) - {"kept-id"} for value in seen} == {
        frozenset(),
        frozenset("a"),
        frozenset("b"),
        frozenset("ab"),
    }
    assert built <= 4 < len(seen)  # one strategy per key set, not one per value


def test_objects_with_a_floor_keep_their_strategies_and_the_floor() -> None:
    schema = {
        "type": "object",
        "properties": {"floor-x": {"type": "integer"}, "y": {"type": "integer"}},
        "minProperties": 3,
    }
    seen, built = _drawn(schema)
    # Documented keys fill the floor first, free keys make up the rest.
    assert all(isinstance(value, dict) and len(value) >= 3 and {"floor-x", "y"} <= set(value) for value in seen)
    assert built <= 4 < len(seen)
