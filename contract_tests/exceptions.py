"""Per-operation decisions where a schemathesis check disagrees with documented behaviour (exceptions.yaml).

`exceptions`: one check loosened (`expected-statuses`) or switched off (`disable: true`) for listed operations.
`blocked`: operations left out entirely while a tracked simulator bug makes every call raise.
Operations are listed one by one (no wildcards); every entry says why, and tracked ones name their bug.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from specforge import _yaml

__all__ = ["EXCEPTIONS_FILE", "Blocked", "CheckException", "Decisions", "load_decisions", "operations_config"]

EXCEPTIONS_FILE = Path(__file__).with_name("exceptions.yaml")
_CHECK_KEYS = {"api", "operations", "check", "expected-statuses", "disable", "reason", "tracking"}
_BLOCKED_KEYS = {"api", "operations", "reason", "tracking"}


@dataclass(frozen=True)
class CheckException:
    """One check loosened (`expected_statuses`) or switched off (`disable`) for one operation, with a reason."""

    api: str
    operation: str
    check: str
    reason: str
    expected_statuses: tuple[int | str, ...] = ()
    disable: bool = False
    tracking: str | None = None

    def config(self) -> dict[str, Any]:
        if self.disable:
            return {"enabled": False}
        return {"expected-statuses": list(self.expected_statuses)}


@dataclass(frozen=True)
class Blocked:
    """An operation left out of the run until the tracked simulator bug is fixed."""

    api: str
    operation: str
    reason: str
    tracking: str


@dataclass(frozen=True)
class Decisions:
    exceptions: tuple[CheckException, ...]
    blocked: tuple[Blocked, ...]


def _operations(entry: dict[str, Any], where: str) -> list[str]:
    operations = entry.get("operations")
    if not isinstance(operations, list) or not operations or not all(isinstance(o, str) for o in operations):
        raise ValueError(f"{where}: `operations` must list operationIds, one by one (no wildcards)")
    return operations


def _reason(entry: dict[str, Any], where: str) -> str:
    reason = " ".join(str(entry.get("reason", "")).split())
    if len(reason) < 40:
        raise ValueError(f"{where}: the reason must say why (40+ characters)")
    return reason


def load_decisions(path: Path = EXCEPTIONS_FILE) -> Decisions:
    """Parse and shape-check the file; every problem names the entry."""
    raw = _yaml.load(path) or {}
    exceptions: list[CheckException] = []
    seen: set[tuple[str, str, str]] = set()
    for index, entry in enumerate(raw.get("exceptions") or []):
        where = f"{path.name}: exceptions[{index}]"
        if not isinstance(entry, dict) or set(entry) - _CHECK_KEYS or "check" not in entry or "api" not in entry:
            raise ValueError(f"{where}: a mapping with api, check, operations, reason (keys {sorted(_CHECK_KEYS)})")
        statuses = tuple(entry.get("expected-statuses") or ())
        disable = bool(entry.get("disable", False))
        if disable == bool(statuses):
            raise ValueError(f"{where}: give exactly one of `expected-statuses` and `disable: true`")
        reason = _reason(entry, where)
        tracking = str(entry["tracking"]) if entry.get("tracking") else None
        for operation in _operations(entry, where):
            item = CheckException(
                str(entry["api"]), operation, str(entry["check"]), reason, statuses, disable, tracking
            )
            key = (item.api, item.operation, item.check)
            if key in seen:
                raise ValueError(f"{where}: {key} is listed twice")
            seen.add(key)
            exceptions.append(item)
    blocked: list[Blocked] = []
    for index, entry in enumerate(raw.get("blocked") or []):
        where = f"{path.name}: blocked[{index}]"
        if not isinstance(entry, dict) or set(entry) - _BLOCKED_KEYS or not entry.get("tracking"):
            raise ValueError(f"{where}: a mapping with api, operations, tracking, reason")
        reason = _reason(entry, where)
        blocked.extend(
            Blocked(str(entry["api"]), op, reason, str(entry["tracking"])) for op in _operations(entry, where)
        )
    return Decisions(tuple(exceptions), tuple(blocked))


def operations_config(decisions: Decisions, api: str, only: set[str] | None = None) -> list[dict[str, Any]]:
    """schemathesis `operations` entries: one per operation, its checks loosened as listed, or left out.

    `only` (a read-only target's GET operations) drops the entries of every other operation: schemathesis ORs an
    entry's `include-operation-id` with the schema's own filters, so an entry would select its operation again.
    """
    by_operation: dict[str, dict[str, Any]] = {}
    for item in decisions.exceptions:
        if item.api == api and (only is None or item.operation in only):
            by_operation.setdefault(item.operation, {})[item.check] = item.config()
    entries: list[dict[str, Any]] = [
        {"include-operation-id": op, "checks": checks} for op, checks in sorted(by_operation.items())
    ]
    blocked = sorted({b.operation for b in decisions.blocked if b.api == api})
    entries.extend({"include-operation-id": op, "enabled": False} for op in blocked)
    return entries


def tracked(decisions: Decisions) -> Iterable[str]:
    """Every simulator bug id the file waits for."""
    ids = {e.tracking for e in decisions.exceptions if e.tracking} | {b.tracking for b in decisions.blocked}
    return sorted(ids)
