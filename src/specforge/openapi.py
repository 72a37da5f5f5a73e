"""Walking an OpenAPI document: the HTTP methods, its operations, and local `$ref` resolution.

The one copy of this knowledge: specforge, the simulators, the contract tests, the ledger probes, the SDK tests
and the benchmarks all walk specs through it (see ARCHITECTURE.md).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .jsonpointer import pointer
from .jsonpointer import resolve as resolve_pointer

__all__ = ["METHODS", "Operation", "follow_refs", "inline_refs", "iter_operations", "resolve"]

# The fixed fields of a Path Item Object that are operations (OpenAPI 3.1 §4.8.9); this order is the order
# operations are walked in, so reports list them the same way every time.
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def resolve(document: Mapping[str, Any], node: Any) -> tuple[Any, str | None]:
    """Follow `$ref` chains (local only, lenient); returns the target ({} if missing) and the last reference."""
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


def follow_refs(document: Mapping[str, Any], node: Mapping[str, Any]) -> dict[str, Any]:
    """The node a chain of local `$ref`s ends at, as a plain dict; KeyError for one that points nowhere.

    Strict, for patched specs (validated: every reference resolves), where a miss is a bug to surface.
    """
    seen: set[str] = set()
    while "$ref" in node:
        ref = node["$ref"]
        if ref in seen:
            raise KeyError(f"$ref cycle at {ref}")
        seen.add(ref)
        node = resolve_pointer(document, ref)
    return dict(node)


def inline_refs(document: Mapping[str, Any], node: Any, seen: tuple[str, ...] = ()) -> Any:
    """A copy of `node` with every local `$ref` replaced by its target; a recursive one becomes `{}` (anything)."""
    if isinstance(node, list):
        return [inline_refs(document, item, seen) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        ref = node["$ref"]
        if ref in seen:
            return {}
        return inline_refs(document, resolve_pointer(document, ref), (*seen, ref))
    return {key: inline_refs(document, value, seen) for key, value in node.items()}


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

    @property
    def operation_id(self) -> str | None:
        value = self.node.get("operationId")
        return value if isinstance(value, str) else None


def iter_operations(document: Mapping[str, Any], methods: tuple[str, ...] = METHODS) -> Iterator[Operation]:
    """Every operation in document order (path by path, methods in `METHODS` order), optionally only `methods`."""
    paths = document.get("paths")
    for path, raw_item in paths.items() if isinstance(paths, dict) else ():
        item, _ = resolve(document, raw_item)
        if not isinstance(item, dict):
            continue
        shared = _parameters(document, item.get("parameters"))
        for method in METHODS:
            operation = item.get(method)
            if method not in methods or not isinstance(operation, dict):
                continue
            own = _parameters(document, operation.get("parameters"))
            merged = {(p.get("in"), p.get("name")): p for p in (*shared, *own)}  # operation-level wins
            yield Operation(path, method, operation, tuple(merged.values()))


def _parameters(document: Mapping[str, Any], raw: Any) -> list[dict[str, Any]]:
    resolved = (resolve(document, p)[0] for p in (raw if isinstance(raw, list) else []))
    return [p for p in resolved if isinstance(p, dict)]
