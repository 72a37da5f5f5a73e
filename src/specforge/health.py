"""Overlay health: which actions still apply to a (new) spec, and what the patched spec changed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .apis import API
from .openapi import iter_operations
from .overlay import ActionReport, apply_overlays
from .pipeline import load_overlays

__all__ = ["HealthReport", "overlay_health", "spec_changes"]


@dataclass
class HealthReport:
    """Per-action match counts on a document, and the patched document they produce."""

    api: API
    reports: list[ActionReport]
    patched: dict[str, Any]
    changes: list[str] = field(default_factory=list)

    @property
    def unmatched(self) -> list[ActionReport]:
        return [report for report in self.reports if report.matched == 0]

    def render(self) -> str:
        lines = [f"overlay health for {self.api.name}:"]
        for report in self.reports:
            action = report.action
            where = f"{self.api.rel(action.source)} {action.label}"
            if report.matched:
                lines.append(f"  ok       {where}: applies ({report.matched} node(s))")
            else:
                lines.append(f"  NO-OP    {where}: matches nothing (fixed upstream, or moved): {action.target}")
        applied = len(self.reports) - len(self.unmatched)
        lines.append(f"  {applied} of {len(self.reports)} action(s) apply, {len(self.unmatched)} match nothing")
        if self.changes:
            lines.append("patched spec changes against the committed one:")
            lines += [f"  {change}" for change in self.changes]
        else:
            lines.append("patched spec: no operation or schema changes against the committed one")
        return "\n".join(lines)


def overlay_health(api: API, document: dict[str, Any], previous: dict[str, Any] | None = None) -> HealthReport:
    """Apply the API's overlays leniently to `document` and compare the result with `previous`."""
    result = apply_overlays(document, load_overlays(api), strict=False, source=api.rel(api.spec_path))
    changes = spec_changes(previous, result.document) if previous is not None else []
    return HealthReport(api=api, reports=result.reports, patched=result.document, changes=changes)


def _operations(document: dict[str, Any]) -> dict[str, Any]:
    return {operation.label: operation.node for operation in iter_operations(document)}


def spec_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """A short list of added (+), removed (-) and changed (~) operations and schemas."""
    changes: list[str] = []
    for kind, before, after in (
        ("operation", _operations(old), _operations(new)),
        (
            "schema",
            (old.get("components") or {}).get("schemas") or {},
            (new.get("components") or {}).get("schemas") or {},
        ),
    ):
        changes += [f"+ {kind} {name}" for name in sorted(after.keys() - before.keys())]
        changes += [f"- {kind} {name}" for name in sorted(before.keys() - after.keys())]
        changes += [f"~ {kind} {name}" for name in sorted(before.keys() & after.keys()) if before[name] != after[name]]
    if old.get("info", {}).get("version") != new.get("info", {}).get("version"):
        changes.append(
            f"~ info.version {old.get('info', {}).get('version')!r} -> {new.get('info', {}).get('version')!r}"
        )
    return changes
