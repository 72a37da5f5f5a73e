"""JSON pointers (RFC 6901) into specs: the one place that escapes and follows them."""

from __future__ import annotations

from typing import Any

__all__ = ["pointer", "resolve"]


def pointer(*parts: str | int) -> str:
    """A JSON pointer from its unescaped parts (`"paths", "/orders"` → `/paths/~1orders`)."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def resolve(document: Any, ref: str) -> Any:
    """The node a local reference (`#/a/b`, or a bare pointer `/a/b`) points to; KeyError if nowhere."""
    if not ref.startswith(("#", "/")) and ref:
        raise KeyError(ref)
    node = document
    for raw in ref.removeprefix("#").split("/")[1:]:
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise KeyError(ref)
    return node
