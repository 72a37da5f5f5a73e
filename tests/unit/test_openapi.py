"""The one document layer: walking operations and following `$ref`s (specforge/openapi.py)."""

from __future__ import annotations

from typing import Any

import pytest

from specforge.openapi import METHODS, follow_refs, inline_refs, iter_operations, resolve

DOC: dict[str, Any] = {
    "paths": {
        "/things/{id}": {
            "parameters": [{"$ref": "#/components/parameters/Id"}],
            "patch": {"operationId": "update"},
            "get": {"operationId": "read", "parameters": [{"name": "id", "in": "path", "description": "own"}]},
            "summary": "not an operation",
        },
        "/alias": {"$ref": "#/paths/~1things~1{id}"},
        "/broken": "not a mapping",
    },
    "components": {
        "parameters": {"Id": {"name": "id", "in": "path", "description": "shared"}},
        "schemas": {
            "Node": {"properties": {"child": {"$ref": "#/components/schemas/Node"}}},
            "A": {"$ref": "#/components/schemas/B"},
            "B": {"type": "string"},
            "Loop": {"$ref": "#/components/schemas/Loop"},
        },
    },
}


def test_operations_come_in_method_order_with_merged_parameters() -> None:
    ops = list(iter_operations(DOC))
    assert [op.label for op in ops] == ["GET /things/{id}", "PATCH /things/{id}", "GET /alias", "PATCH /alias"]
    assert ops[0].parameters == ({"name": "id", "in": "path", "description": "own"},)  # operation-level wins
    assert ops[1].parameters == ({"name": "id", "in": "path", "description": "shared"},)
    assert ops[0].pointer == "/paths/~1things~1{id}/get"
    assert ops[0].operation_id == "read"


def test_operations_can_be_limited_to_some_methods() -> None:
    assert [op.label for op in iter_operations(DOC, ("patch",))] == ["PATCH /things/{id}", "PATCH /alias"]
    assert set(METHODS) == {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


def test_resolve_is_lenient_and_follow_refs_is_strict() -> None:
    assert resolve(DOC, {"$ref": "#/components/schemas/A"}) == ({"type": "string"}, "#/components/schemas/B")
    assert resolve(DOC, {"$ref": "#/nowhere"}) == ({}, "#/nowhere")
    assert follow_refs(DOC, {"$ref": "#/components/schemas/A"}) == {"type": "string"}
    with pytest.raises(KeyError):
        follow_refs(DOC, {"$ref": "#/nowhere"})
    with pytest.raises(KeyError, match="cycle"):
        follow_refs(DOC, {"$ref": "#/components/schemas/Loop"})


def test_inline_refs_replaces_references_and_stops_at_recursion() -> None:
    inlined = inline_refs(DOC, {"$ref": "#/components/schemas/Node"})
    assert inlined == {"properties": {"child": {}}}  # the second visit of Node: anything goes
    assert inline_refs(DOC, [{"$ref": "#/components/schemas/A"}, 1]) == [{"type": "string"}, 1]
