"""schemathesis' per-operation configuration, resolved once per (operation, phase) instead of once per case.

schemathesis 4.32 resolves an operation's phases, generation and checks settings anew for every case it draws and
every response it validates: `ProjectConfig.*_for` walks the `operations` entries (ours come from exceptions.yaml,
one per operation) and merges the matching ones with `from_hierarchy`. Profiled on the fast suite (py-spy, issue
21) that was 8% of the server tests' CPU. The configuration is built once, before collection, and nothing changes it
during a run (schemathesis only reads what these methods return), so each answer is kept after its first call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from schemathesis.config import ProjectConfig

__all__ = ["RESOLVED", "resolve_once"]

RESOLVED = ("phases_for", "generation_for", "checks_config_for")


def _once(resolve: Callable[..., Any]) -> Callable[..., Any]:
    answers: dict[tuple[str | None, str | None], Any] = {}

    def resolved(*, operation: Any = None, phase: str | None = None) -> Any:
        key = (None if operation is None else operation.label, phase)
        if key not in answers:
            answers[key] = resolve(operation=operation) if phase is None else resolve(operation=operation, phase=phase)
        return answers[key]

    return resolved


def resolve_once(config: ProjectConfig) -> ProjectConfig:
    """`config` with RESOLVED answering from a cache per (operation label, phase); labels are unique per schema."""
    for name in RESOLVED:
        setattr(config, name, _once(getattr(config, name)))
    return config
