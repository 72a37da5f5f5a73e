"""The project's only YAML loader and dumper, so every file is read strictly and written the same way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import SpecforgeError

__all__ = ["dump", "dumps", "load", "loads"]


# libyaml's parser when PyYAML was built with it: ~8x faster on our specs, same constructors.
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """SafeLoader that refuses duplicate keys (PyYAML silently keeps the last one)."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: dict[Any, yaml.Node] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            mark = key_node.start_mark
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first at line {seen[key].start_mark.line + 1})", mark
            )
        seen[key] = key_node
    mapping: dict[Any, Any] = loader.construct_mapping(node, deep=deep)
    return mapping


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Specs are JSON data: an unquoted 2020-10-26 must stay a string, not become a datetime.date.
_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def loads(text: str, source: Path | str) -> Any:
    """Parse YAML (or JSON) text; errors name `source` with line and column."""
    try:
        return yaml.load(text, Loader=_StrictLoader)  # _StrictLoader is a SafeLoader subclass
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        location = f"{mark.line + 1}:{mark.column + 1}" if mark else None
        raise SpecforgeError(source, f"invalid YAML: {err.problem or err.context}", location) from err
    except yaml.YAMLError as err:
        raise SpecforgeError(source, f"invalid YAML: {err}") from err


def load(path: Path) -> Any:
    """Read and parse a YAML file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as err:
        raise SpecforgeError(path, "file not found") from err
    except UnicodeDecodeError as err:
        raise SpecforgeError(path, f"not UTF-8 text: {err}") from err
    return loads(text, path)


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
