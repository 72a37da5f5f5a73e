"""object_strategies: schemathesis' objects come from kept strategies, with every key set still drawn."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from schemathesis.generation.jsonschema import strategy as engine
from schemathesis.generation.jsonschema.builder import build

from . import object_strategies

_SEEN: list[dict[str, Any]] = []


def _objects(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    return build(schema, draft=20, formats={})


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
    built = object_strategies.BUILT[0]
    _SEEN.clear()

    @settings(max_examples=100, derandomize=True, database=None)
    @given(_objects(schema))
    def draw(value: dict[str, Any]) -> None:
        _SEEN.append(value)

    draw()
    assert all("kept-id" in value and set(value) <= {"kept-id", "a", "b"} for value in _SEEN)
    assert {frozenset(value) - {"kept-id"} for value in _SEEN} == {
        frozenset(),
        frozenset("a"),
        frozenset("b"),
        frozenset("ab"),
    }
    assert object_strategies.BUILT[0] - built <= 4 < len(_SEEN)  # one strategy per key set, not one per value


def test_objects_with_a_floor_keep_their_strategies_and_the_floor() -> None:
    schema = {
        "type": "object",
        "properties": {"floor-x": {"type": "integer"}, "y": {"type": "integer"}},
        "minProperties": 3,
    }
    built = object_strategies.BUILT[0]
    _SEEN.clear()

    @settings(max_examples=100, derandomize=True, database=None)
    @given(_objects(schema))
    def draw(value: dict[str, Any]) -> None:
        _SEEN.append(value)

    draw()
    # Documented keys fill the floor first, free keys make up the rest.
    assert all(isinstance(value, dict) and len(value) >= 3 and {"floor-x", "y"} <= set(value) for value in _SEEN)
    assert object_strategies.BUILT[0] - built <= 4 < len(_SEEN)
