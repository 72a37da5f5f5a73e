"""lone_objects_as_lists: one object is read as a list only where the operation's body schema has a list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from simulators._serving import Spec, compile_operations, lone_objects_as_lists

_DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "paths": {
        "/orders": {
            "post": {
                "operationId": "create",
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Order"}}}},
            }
        },
        "/other": {"post": {"operationId": "other", "requestBody": {"content": {"application/json": {"schema": {}}}}}},
    },
    "components": {
        "schemas": {
            "Order": {
                "type": "object",
                "properties": {
                    "items": {"type": ["array", "null"], "items": {"type": "object"}},
                    "customer": {"type": "object"},
                },
            }
        }
    },
}


def _operations() -> dict[str, Any]:
    spec = Spec(api="t", path=Path("t.yaml"), document=_DOCUMENT, sha256="")
    return {op.operation_id: op for op in compile_operations(spec)}


def test_an_object_where_a_list_is_documented_becomes_a_one_item_list() -> None:
    normalize, ops = lone_objects_as_lists(_DOCUMENT), _operations()
    body = {"items": {"sku": "A"}, "customer": {"name": "x"}}
    assert normalize(ops["create"], body) == {"items": [{"sku": "A"}], "customer": {"name": "x"}}
    assert body["items"] == {"sku": "A"}  # the caller's body is not changed in place


def test_other_shapes_and_other_operations_reach_validation_as_sent() -> None:
    normalize, ops = lone_objects_as_lists(_DOCUMENT), _operations()
    for body in ({"items": "five"}, {"items": [{"sku": "A"}]}, {"items": None}, ["not", "an", "object"]):
        assert normalize(ops["create"], body) == body
    assert normalize(ops["other"], {"items": {"sku": "A"}}) == {"items": {"sku": "A"}}
