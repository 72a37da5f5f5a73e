"""Tolerant reading of request bodies: the shapes a vendor publishes, read the way tolerant clients read them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from specforge.openapi import follow_refs, iter_operations

from .validation import Operation

__all__ = ["BodyNormalizer", "lone_objects_as_lists"]

BodyNormalizer = Callable[[Operation, Any], Any]


def lone_objects_as_lists(document: Mapping[str, Any]) -> BodyNormalizer:
    """A normalizer that reads one object as a one-item list where the spec documents a list.

    Only top-level properties of a JSON request body whose schema type includes "array" are touched (that is
    where vendors' examples send a lone object, e.g. Mash's Create order Example 1 `orderItems`); everything
    else reaches validation as sent, so a wrong shape is still refused with the field named.
    """
    lists: dict[str, frozenset[str]] = {}
    for op in iter_operations(document):
        if "requestBody" not in op.node or op.operation_id is None:
            continue
        media = follow_refs(document, op.node["requestBody"]).get("content", {}).get("application/json", {})
        schema = follow_refs(document, media.get("schema", {}))
        properties = schema.get("properties", {})
        names = frozenset(name for name, prop in properties.items() if "array" in _types(follow_refs(document, prop)))
        if names:
            lists[op.operation_id] = names

    def normalize(operation: Operation, body: Any) -> Any:
        names = lists.get(operation.operation_id)
        if not names or not isinstance(body, dict) or not any(isinstance(body.get(n), dict) for n in names):
            return body
        return {key: [value] if key in names and isinstance(value, dict) else value for key, value in body.items()}

    return normalize


def _types(schema: Mapping[str, Any]) -> tuple[str, ...]:
    kind = schema.get("type")
    return (kind,) if isinstance(kind, str) else tuple(kind or ())
