"""Public module paths for a package's exports, as httpx shows them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["publish_names"]


def publish_names(package: str, namespace: Mapping[str, Any], names: Iterable[str]) -> None:
    """Tracebacks and reprs name the public path (`package.X`, not `package._mod.X`); names re-exported from
    another package keep theirs. Each client package calls this once at the end of its `__init__`."""
    for name in names:
        value = namespace[name]
        if getattr(value, "__module__", "").startswith(package + "."):
            value.__module__ = package
