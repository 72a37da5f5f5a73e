"""What a reviewer does next: changes grouped per property, ready-to-paste acknowledgements, stale usages.

One removed response field of a schema that five operations return is one decision, so it is one row
listing the five operations; an unaccepted break comes with the `review/acknowledged.yaml` entry that
accepts it (the reason left for a person to write); and a name the change removes from the generated
client is looked up in the hand-written code, which would otherwise only fail at run time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .breaking import Change

__all__ = ["HAND_WRITTEN", "ChangeGroup", "Usage", "acknowledgement_yaml", "find_usages", "group_changes"]

HAND_WRITTEN = ("src", "tests", "contract_tests")
"""Where hand-written code lives (never generated/)."""
_MAX_FILE_BYTES = 2_000_000
_MAX_USAGES = 200


@dataclass(frozen=True)
class ChangeGroup:
    """Changes with the same rule, place inside the operation and message, across `operations`."""

    rule: str
    where: str  # the location after "METHOD /path" ("" for the operation itself)
    message: str
    breaking: bool
    operations: tuple[str, ...]
    changes: tuple[Change, ...]

    @property
    def location(self) -> str:
        """One location if the group has one operation, else a `*` pattern an acknowledgement can use."""
        if len(self.operations) == 1:
            return self.changes[0].location
        return f"* {self.where}".rstrip()


def _split(location: str) -> tuple[str, str]:
    method, _, rest = location.partition(" ")
    path, _, where = rest.partition(" ")
    return f"{method} {path}", where


def group_changes(changes: Iterable[Change], acknowledged: Mapping[tuple[str, str], object]) -> list[ChangeGroup]:
    """Changes folded per (rule, place, message, accepted or not), in the order of their first member."""
    groups: dict[tuple[str, str, str, bool], list[tuple[str, Change]]] = {}
    for change in changes:
        operation, where = _split(change.location)
        # A change of the operation itself (added, removed) stays one row per operation: grouping them would
        # make the acknowledgement a `*` that accepts removing any operation.
        key = (change.rule, where or operation, change.message, (change.rule, change.location) in acknowledged)
        groups.setdefault(key, []).append((operation, change))
    return [
        ChangeGroup(
            rule,
            _split(members[0][1].location)[1],
            message,
            members[0][1].breaking,
            tuple(op for op, _ in members),
            tuple(c for _, c in members),
        )
        for (rule, _, message, _), members in groups.items()
    ]


def acknowledgement_yaml(api: str, groups: Iterable[ChangeGroup]) -> str:
    """Entries to append under `acknowledged:` in review/acknowledged.yaml; `reason:` is for a person to fill."""
    lines: list[str] = []
    for group in groups:
        lines += [
            f"  - api: {api}",
            f"    rule: {group.rule}",
            f"    location: {_quoted(group.location)}",
            "    reason:   # why this break is accepted (e.g. the vendor's release note); required",
        ]
    return "\n".join(lines)


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True)
class Usage:
    """A line of hand-written code that mentions a name the change removes from the generated client."""

    name: str
    path: str
    line: int


def _needles(removed: Iterable[str], remaining: Iterable[str]) -> dict[str, re.Pattern[str]]:
    """For each removed dotted name, the text to look for: its last part, or `Parent.last` if still used elsewhere."""
    alive = {name.rsplit(".", 1)[-1] for name in remaining}
    needles: dict[str, re.Pattern[str]] = {}
    for name in removed:
        parts = name.split(".")
        if len(parts) < 2:
            continue
        text = parts[-1] if parts[-1] not in alive else ".".join(parts[-2:])
        needles.setdefault(text, re.compile(rf"\b{re.escape(text)}\b"))
    return needles


def find_usages(root: Path, removed: Iterable[str], remaining: Iterable[str]) -> list[Usage]:
    """Lines under src/, tests/, contract_tests/ that still use a removed name (at most 200, files ≤ 2 MB)."""
    needles = _needles(removed, remaining)
    if not needles:
        return []
    usages: list[Usage] = []
    for folder in HAND_WRITTEN:
        for path in sorted((root / folder).rglob("*.py")):
            if not path.is_file() or path.stat().st_size > _MAX_FILE_BYTES:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            for number, line in enumerate(text.splitlines(), start=1):
                for name, pattern in needles.items():
                    if pattern.search(line):
                        usages.append(Usage(name, path.relative_to(root).as_posix(), number))
                        if len(usages) >= _MAX_USAGES:
                            return usages
    return usages
