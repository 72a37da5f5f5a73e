"""Applies OAI Overlay 1.0 documents to an OpenAPI document, strictly.

Written on jsonpath-rfc9535 rather than taken from a library: the maintained Python option
(oas-patch) uses a non-RFC JSONPath dialect and silently ignores targets that match nothing,
and the Node tools would put a Node.js process in the middle of every regeneration. Semantics
follow Overlay 1.0.0 (as clarified by 1.1.0): actions apply in order; `remove` deletes each
matched node from its parent and wins over `update`; `update` merges recursively into an
object (objects merged, arrays concatenated, everything else replaced) and appends to an array.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonpath_rfc9535 as jsonpath

from ._near import action_line, did_you_mean
from .document import load_json_document
from .errors import SpecforgeError

__all__ = ["ActionReport", "Overlay", "OverlayAction", "OverlayResult", "apply_overlays", "load_overlay"]

_SUPPORTED_VERSIONS = ("1.0.0", "1.0")


@dataclass(frozen=True)
class OverlayAction:
    """One action of an overlay file, with where it came from for error messages."""

    source: Path
    index: int
    target: str
    description: str
    quirk: str | None
    update: Any = None
    remove: bool = False
    has_update: bool = False

    @property
    def label(self) -> str:
        return f"actions[{self.index}]" + (f" ({self.quirk})" if self.quirk else "")


@dataclass(frozen=True)
class Overlay:
    """A parsed overlay document."""

    path: Path
    title: str
    actions: tuple[OverlayAction, ...]


@dataclass
class ActionReport:
    """What one action did: how many nodes its target matched."""

    action: OverlayAction
    matched: int


@dataclass
class OverlayResult:
    """The patched document and one report per action, in application order."""

    document: dict[str, Any]
    reports: list[ActionReport] = field(default_factory=list)

    @property
    def unmatched(self) -> list[ActionReport]:
        return [report for report in self.reports if report.matched == 0]


def load_overlay(path: Path) -> Overlay:
    """Parse and check the shape of an overlay document; errors name the file and the action."""
    data = load_json_document(path)
    version = str(data.get("overlay", ""))
    if version not in _SUPPORTED_VERSIONS:
        raise SpecforgeError(
            path,
            f"unsupported overlay version {version!r}",
            location="overlay",
            hint="this applier implements Overlay 1.0.0",
        )
    info = data.get("info")
    if not isinstance(info, dict) or not info.get("title") or not info.get("version"):
        raise SpecforgeError(path, "info.title and info.version are required", location="info")
    raw_actions = data.get("actions")
    if not isinstance(raw_actions, list) or not raw_actions:
        raise SpecforgeError(path, "actions must be a non-empty list", location="actions")
    actions = tuple(_parse_action(path, index, raw) for index, raw in enumerate(raw_actions))
    return Overlay(path=path, title=str(info["title"]), actions=actions)


def _parse_action(path: Path, index: int, raw: Any) -> OverlayAction:
    location = f"actions[{index}]"
    if not isinstance(raw, dict):
        raise SpecforgeError(path, "an action must be a mapping", location=location)
    quirk = raw.get("x-quirk")
    if quirk is not None:
        location += f" ({quirk})"
    target = raw.get("target")
    if not isinstance(target, str) or not target.startswith("$"):
        raise SpecforgeError(path, "target must be a JSONPath string starting with '$'", location=location)
    try:
        jsonpath.compile(target)
    except jsonpath.JSONPathError as err:
        raise SpecforgeError(path, f"invalid JSONPath {target!r}: {err}", location=location) from err
    remove = raw.get("remove", False)
    if not isinstance(remove, bool):
        raise SpecforgeError(path, "remove must be true or false", location=location)
    has_update = "update" in raw
    if not remove and not has_update:
        raise SpecforgeError(path, "an action needs `update` or `remove: true`", location=location)
    return OverlayAction(
        source=path,
        index=index,
        target=target,
        description=str(raw.get("description", "")),
        quirk=str(quirk) if quirk is not None else None,
        update=raw.get("update"),
        remove=remove,
        has_update=has_update,
    )


def apply_overlays(
    document: dict[str, Any], overlays: Sequence[Overlay], *, strict: bool = True, source: str = "spec"
) -> OverlayResult:
    """Apply `overlays` in order to a copy of `document`.

    Overlay 1.0 lets a target match nothing; strict mode fails instead, because a fix that no
    longer applies means the upstream document changed and the quirk ledger is out of date.
    """
    result = OverlayResult(document=copy.deepcopy(document))
    for overlay in overlays:
        for action in overlay.actions:
            matched = _apply_action(result.document, action)
            if matched == 0 and strict:
                line = action_line(action.source, action.index, action.target)
                near = did_you_mean(action.target, result.document)
                raise SpecforgeError(
                    action.source,
                    f"target matched nothing in {source}",
                    location=action.label if line is None else f"line {line}, {action.label}",
                    hint=f"target: {action.target}\n  "
                    + (
                        f"did you mean: {near}"
                        if near
                        else "if upstream fixed the quirk, delete the action and its ledger probe"
                    ),
                )
            result.reports.append(ActionReport(action=action, matched=matched))
    return result


def _apply_action(document: dict[str, Any], action: OverlayAction) -> int:
    nodes = list(jsonpath.find(action.target, document))
    if action.remove:
        # Delete from the end so that removing one array element doesn't shift the next match.
        for node in sorted(nodes, key=lambda n: _sort_key(n.location), reverse=True):
            if node.parent is None:
                raise SpecforgeError(action.source, "cannot remove the document root", location=action.label)
            container = node.parent.value
            assert isinstance(container, dict | list)
            del container[node.location[-1]]  # type: ignore[arg-type]
        return len(nodes)
    for node in nodes:
        target = node.value
        if isinstance(target, dict):
            if not isinstance(action.update, dict):
                raise SpecforgeError(
                    action.source,
                    "update of an object must be an object",
                    location=action.label,
                    hint=f"target: {action.target}",
                )
            _merge(target, action.update)
        elif isinstance(target, list):
            target.append(copy.deepcopy(action.update))
        else:
            raise SpecforgeError(
                action.source,
                f"target selects a {type(target).__name__} at {node.path()}; Overlay 1.0 targets objects or arrays",
                location=action.label,
                hint="target the parent object and update the key instead",
            )
    return len(nodes)


def _merge(target: dict[str, Any], update: dict[str, Any]) -> None:
    for key, value in update.items():
        current = target.get(key)
        if isinstance(current, dict) and isinstance(value, dict):
            _merge(current, value)
        elif isinstance(current, list) and isinstance(value, list):
            current.extend(copy.deepcopy(value))
        else:
            target[key] = copy.deepcopy(value)


def _sort_key(location: tuple[int | str, ...]) -> tuple[tuple[int, int | str], ...]:
    # Mixed int/str locations must still sort: compare (kind, value) pairs.
    return tuple((0, part) if isinstance(part, int) else (1, part) for part in location)
