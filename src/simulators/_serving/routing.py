"""Match a request path to the spec's operations: a dict for static paths, one regex per template."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .validation import Operation

__all__ = ["Router"]

_PARAM = re.compile(r"\{([^}/]+)\}")


class Router:
    """`match` gives None for an unknown path, (None, params) for a known path with another method."""

    def __init__(self, operations: Iterable[Operation]) -> None:
        self._static: dict[str, dict[str, Operation]] = {}
        templated: dict[str, dict[str, Operation]] = {}
        for op in operations:
            table = templated if _PARAM.search(op.path) else self._static
            table.setdefault(op.path, {})[op.method] = op
        self._templated = [(_pattern(path), methods) for path, methods in sorted(templated.items())]

    def match(self, method: str, path: str) -> tuple[Operation | None, dict[str, str]] | None:
        methods = self._static.get(path)
        if methods is not None:
            return methods.get(method), {}
        for pattern, methods in self._templated:
            found = pattern.fullmatch(path)
            if found is not None:
                return methods.get(method), found.groupdict()
        return None

    def allowed(self, path: str) -> list[str]:
        """The methods the spec serves at `path` (a 405's `Allow` header), sorted; empty for an unknown path."""
        methods = self._static.get(path)
        if methods is None:
            methods = next((m for pattern, m in self._templated if pattern.fullmatch(path)), {})
        return sorted(methods)


def _pattern(template: str) -> re.Pattern[str]:
    parts = _PARAM.split(template)  # literal, name, literal, name, …, literal
    regex = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>[^/]+)" for i, part in enumerate(parts))
    return re.compile(regex)
