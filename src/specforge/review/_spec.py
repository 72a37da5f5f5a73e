"""Walking an OpenAPI document: operations, effective parameters and local `$ref` resolution."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..jsonpointer import pointer
from ..jsonpointer import resolve as resolve_pointer

__all__ = ["METHODS", "Operation", "iter_operations", "resolve"]

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def resolve(document: dict[str, Any], node: Any) -> tuple[Any, str | None]:
    """Follow `$ref` chains (local only); returns the target and the last reference followed."""
    ref: str | None = None
    seen: set[str] = set()
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"] not in seen:
        ref = node["$ref"]
        seen.add(ref)
        try:
            node = resolve_pointer(document, ref)
        except KeyError:
            return {}, ref
    return node, ref


@dataclass(frozen=True)
class Operation:
    """One operation with the parameters it really takes (path-level ones merged in, `$ref`s resolved)."""

    path: str
    method: str
    node: dict[str, Any]
    parameters: tuple[dict[str, Any], ...]

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def pointer(self) -> str:
        return pointer("paths", self.path, self.method)


def iter_operations(document: dict[str, Any]) -> Iterator[Operation]:
    """Every operation in document order."""
    paths = document.get("paths")
    for path, raw_item in paths.items() if isinstance(paths, dict) else ():
        item, _ = resolve(document, raw_item)
        if not isinstance(item, dict):
            continue
        shared = _parameters(document, item.get("parameters"))
        for method in METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            own = _parameters(document, operation.get("parameters"))
            merged = {(p.get("in"), p.get("name")): p for p in (*shared, *own)}  # operation-level wins
            yield Operation(path, method, operation, tuple(merged.values()))


def _parameters(document: dict[str, Any], raw: Any) -> list[dict[str, Any]]:
    resolved = (resolve(document, p)[0] for p in (raw if isinstance(raw, list) else []))
    return [p for p in resolved if isinstance(p, dict)]
