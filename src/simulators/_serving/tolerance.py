"""Tolerant reading of request bodies: the shapes a vendor publishes, read the way tolerant clients read them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .spec import follow_refs
from .validation import METHODS, Operation

__all__ = ["BodyNormalizer", "lone_objects_as_lists"]

BodyNormalizer = Callable[[Operation, Any], Any]


def lone_objects_as_lists(document: Mapping[str, Any]) -> BodyNormalizer:
    """A normalizer that reads one object as a one-item list where the spec documents a list.

    Only top-level properties of a JSON request body whose schema type includes "array" are touched (that is
    where vendors' examples send a lone object, e.g. Mash's Create order Example 1 `orderItems`); everything
    else reaches validation as sent, so a wrong shape is still refused with the field named.
    """
    lists: dict[str, frozenset[str]] = {}
    for item in document.get("paths", {}).values():
        for method in METHODS:
            op = item.get(method)
            if not isinstance(op, Mapping) or "requestBody" not in op:
                continue
            media = follow_refs(document, op["requestBody"]).get("content", {}).get("application/json", {})
            schema = follow_refs(document, media.get("schema", {}))
            names = frozenset(
                name
                for name, prop in schema.get("properties", {}).items()
                if "array" in _types(follow_refs(document, prop))
            )
            if names:
                lists[op["operationId"]] = names

    def normalize(operation: Operation, body: Any) -> Any:
        names = lists.get(operation.operation_id)
        if not names or not isinstance(body, dict) or not any(isinstance(body.get(n), dict) for n in names):
            return body
        return {key: [value] if key in names and isinstance(value, dict) else value for key, value in body.items()}

    return normalize


def _types(schema: Mapping[str, Any]) -> tuple[str, ...]:
    kind = schema.get("type")
    return (kind,) if isinstance(kind, str) else tuple(kind or ())
