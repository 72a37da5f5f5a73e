"""The project's only YAML loader and dumper, so every file is read strictly and written the same way.

Every document is hostile until measured: before a single Python object is built, the parsed node
graph is checked against `LIMITS` (input size, nesting depth, nodes added by alias expansion, alias
cycles). PyYAML itself shares aliased objects, but everything downstream (JSON round-trip, overlays,
validators, the generator) expands them: a 400-byte "billion laughs" document would take gigabytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import SpecforgeError

__all__ = ["LIMITS", "Limits", "compose", "dump", "dumps", "load", "loads"]


@dataclass(frozen=True)
class Limits:
    """What one YAML/JSON document may cost; each is far above what a real OpenAPI document needs."""

    max_bytes: int = 32 * 1024 * 1024  # GitHub's REST spec, among the largest public ones, is ~12 MB
    max_depth: int = 128  # collections nested in collections; real specs stay below ~40
    max_alias_nodes: int = 100_000  # nodes that expanding every alias adds to the document


LIMITS = Limits()
_HINT = "limits are set in specforge/_yaml.py (Limits); a real spec never comes near them"

# libyaml's parser when PyYAML was built with it: ~8x faster on our specs, same constructors.
# libyaml also refuses nesting deeper than 1000 while parsing, before our own depth limit applies.
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """SafeLoader that refuses duplicate keys (PyYAML silently keeps the last one)."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[str, Any]:
    """Keys become JSON object keys here (`200:` → "200", `true:` → "true"), as every consumer reads JSON.

    Done at load time, not later, so that keys equal only in Python (`1:` and `true:`, as 1 == True) stay
    two keys, and keys equal in JSON (`1:` and `"1":`) are caught as the duplicates they are.
    """
    mapping: dict[str, Any] = {}
    first: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value, not a list or mapping", key_node.start_mark
            )
        key = loader.construct_object(key_node, deep=deep)
        if not isinstance(key, str):
            key = json.dumps(key)  # bool, int, float or null: the key JSON would give it
        if key in first:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {key!r} (first at line {first[key].start_mark.line + 1})",
                key_node.start_mark,
            )
        first[key] = key_node
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Specs are JSON data: an unquoted 2020-10-26 must stay a string, not become a datetime.date.
_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _at(node: yaml.Node) -> str:
    return f"{node.start_mark.line + 1}:{node.start_mark.column + 1}"


def _collections(node: yaml.Node) -> list[yaml.Node]:
    """The mapping keys/values or sequence items of `node` that are collections themselves."""
    if isinstance(node, yaml.MappingNode):
        return [child for pair in node.value for child in pair if not isinstance(child, yaml.ScalarNode)]
    if isinstance(node, yaml.SequenceNode):
        return [child for child in node.value if not isinstance(child, yaml.ScalarNode)]
    return []


def _check_graph(root: yaml.Node, source: Path | str, limits: Limits) -> None:
    """Refuse alias cycles, nesting deeper than `max_depth` and alias expansion beyond `max_alias_nodes`.

    One iterative walk (no Python recursion, whatever the depth), each distinct node visited once: a
    collection met again is an alias, and it adds its whole expanded size (already known) to the document.
    Scalars are not tracked: an alias to a scalar adds one node, and the input size bounds their count.
    """
    size: dict[int, int] = {}  # expanded size (collections + scalars) of every finished collection
    height: dict[int, int] = {}  # nesting depth within every finished collection
    open_: set[int] = set()  # collections entered and not finished: the current path
    added = 0
    stack: list[tuple[yaml.Node, int, list[yaml.Node] | None]] = [(root, 1, None)]
    while stack:
        node, depth, inner = stack.pop()
        key = id(node)
        if inner is not None:  # leaving `node`: every inner collection is finished
            total = len(node.value) * (2 if isinstance(node, yaml.MappingNode) else 1) + 1 - len(inner)
            deepest = 0
            for child in inner:
                total += size[id(child)]
                deepest = max(deepest, height[id(child)])
            size[key], height[key] = total, deepest + 1
            open_.discard(key)
            continue
        if key in open_:
            raise SpecforgeError(source, "recursive alias: a node contains an alias to itself", _at(node))
        if key in size:  # met again: an alias
            added += size[key]
            if added > limits.max_alias_nodes:
                raise SpecforgeError(
                    source,
                    f"alias expansion limit exceeded: aliases add more than {limits.max_alias_nodes} nodes",
                    _at(node),
                    hint=_HINT,
                )
            if depth - 1 + height[key] > limits.max_depth:
                raise SpecforgeError(source, f"nesting deeper than {limits.max_depth} levels", _at(node), _HINT)
            continue
        if depth > limits.max_depth:
            raise SpecforgeError(source, f"nesting deeper than {limits.max_depth} levels", _at(node), _HINT)
        if isinstance(node, yaml.ScalarNode):
            continue
        open_.add(key)
        inner = _collections(node)
        stack.append((node, depth, inner))
        stack.extend((child, depth + 1, None) for child in reversed(inner))


def _check_size(text: str, source: Path | str, limits: Limits) -> None:
    if len(text) > limits.max_bytes or (len(text) * 4 > limits.max_bytes and len(text.encode()) > limits.max_bytes):
        raise SpecforgeError(source, f"input size limit exceeded: larger than {limits.max_bytes} bytes", hint=_HINT)


def _parse(text: str, source: Path | str, limits: Limits, *, construct: bool) -> Any:
    """Compose and check the node graph, then (if `construct`) build Python objects from it."""
    _check_size(text, source, limits)
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_graph(node, source, limits)
        return loader.construct_document(node) if construct else node
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        location = f"{mark.line + 1}:{mark.column + 1}" if mark else None
        raise SpecforgeError(source, f"invalid YAML: {err.problem or err.context}", location) from err
    except yaml.YAMLError as err:
        raise SpecforgeError(source, f"invalid YAML: {err}") from err
    except RecursionError as err:  # pure-Python PyYAML (no libyaml) composes recursively
        raise SpecforgeError(source, "nesting too deep for the YAML parser", hint=_HINT) from err
    finally:
        loader.dispose()


def compose(text: str, source: Path | str, limits: Limits = LIMITS) -> yaml.Node | None:
    """The checked node graph (tags and line numbers kept), for rules that look at how a value was written."""
    node: yaml.Node | None = _parse(text, source, limits, construct=False)
    return node


def loads(text: str, source: Path | str, limits: Limits = LIMITS) -> Any:
    """Parse YAML (or JSON) text within `limits`; errors name `source` with line and column."""
    return _parse(text, source, limits, construct=True)


def load(path: Path, limits: Limits = LIMITS) -> Any:
    """Read and parse a YAML file (its size is checked before it is read)."""
    try:
        if path.stat().st_size > limits.max_bytes:
            raise SpecforgeError(path, f"input size limit exceeded: larger than {limits.max_bytes} bytes", hint=_HINT)
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as err:
        raise SpecforgeError(path, "file not found") from err
    except IsADirectoryError as err:
        raise SpecforgeError(path, "is a folder, not a YAML file") from err
    except UnicodeDecodeError as err:
        raise SpecforgeError(path, f"not UTF-8 text: {err}") from err
    return loads(text, path, limits)


class _Dumper(yaml.SafeDumper):
    """Never emits anchors: a patched spec must read the same wherever a node is shared."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _str_representer(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _str_representer)


def dumps(data: Any) -> str:
    """Serialise deterministically: source key order, fixed width, unicode kept, final newline."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def dump(data: Any, path: Path) -> None:
    """Write `data` as YAML with `\\n` line endings."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(dumps(data))
