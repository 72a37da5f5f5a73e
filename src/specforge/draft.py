"""Deviations seen in real traffic → drafted Overlay 1.0 actions for a reviewer, never applied automatically.

`python -m specforge draft-overlay REPORT.json` reads a trafficcheck deviation report (its JSON form) and
writes overlays/<api>/drafts/<name>.yaml. The pipeline applies only overlays/<api>/*.yaml (apis.API.overlay_files
does not descend into drafts/), so a draft changes nothing until a reviewer moves its actions into a real
overlay file, gives them a quirk id and adds the ledger probe. Targets are computed on the patched spec, so
a draft applies after every existing overlay (e.g. as the last file).

A shape that must be replaced is removed and then re-added (`update` merges and concatenates arrays), the
convention of the existing overlays.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import _yaml
from .apis import load_apis
from .document import load_json_document
from .errors import SpecforgeError
from .jsonpointer import resolve
from .patched import load_patched

__all__ = ["DRAFTABLE", "REPORT_FORMAT", "draft_overlay", "drafts_dir", "pending_drafts", "pending_drafts_markdown"]

# The report format trafficcheck writes (trafficcheck.report.REPORT_FORMAT: specforge may not import it).
REPORT_FORMAT = "trafficcheck-report/1"
DRAFTABLE = (
    "list-for-object",
    "null",
    "undocumented-field",
    "undocumented-enum-value",
    "undocumented-status",
    "date-time-for-date",
    "content-type",  # a JSON body under another JSON media type: the type is added beside the documented one
    "missing-header",  # a documented response header the service does not send: no longer required
)
# Deviations of the answer only: a request's deviation is the application's, not the vendor's.
_RESPONSE_ONLY = frozenset({"content-type", "missing-header"})
MAX_REPORT_BYTES = 5 * 1024 * 1024
_TYPE_SCHEMAS: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "number": {"type": "number"},
    "boolean": {"type": "boolean"},
    "object": {"type": "object"},
    "array": {"type": "array", "items": {}},
    "null": {},
}


def drafts_dir(overlay_dir: Path) -> Path:
    return overlay_dir / "drafts"


def pending_drafts(root: Path) -> list[Path]:
    """Every drafted overlay waiting for review, API by API."""
    return [path for api in load_apis(root).values() for path in sorted(drafts_dir(api.overlay_dir).glob("*.yaml"))]


def pending_drafts_markdown(root: Path) -> str:
    """The review's section on drafts waiting for a reviewer ("" when there are none)."""
    drafts = pending_drafts(root)
    if not drafts:
        return ""
    lines = ["", "## Pending drafted overlays (not applied)", ""]
    for path in drafts:
        actions = load_json_document(path).get("actions") or []
        quirks = sorted({str(action.get("x-quirk")) for action in actions if isinstance(action, dict)})
        lines.append(f"- `{path.relative_to(root).as_posix()}`: {len(actions)} actions ({', '.join(quirks)})")
    lines.append("")
    lines.append("Move each action into a real overlay file with a quirk id and a ledger probe, or delete the draft.")
    return "\n".join(lines) + "\n"


@dataclass
class _Draft:
    kind: str
    schema_pointer: str
    value: Any
    observed: str
    evidence: list[dict[str, Any]] = field(default_factory=list)


def draft_overlay(report_path: Path, root: Path) -> tuple[Path, int, list[str]]:
    """Write the drafts of one report; (file written, number of drafted deviations, the ones left out and why)."""
    if report_path.stat().st_size > MAX_REPORT_BYTES:
        raise SpecforgeError(report_path, f"larger than {MAX_REPORT_BYTES} bytes: not a deviation report")
    report = load_json_document(report_path)
    if report.get("format") != REPORT_FORMAT:
        raise SpecforgeError(report_path, f"format {report.get('format')!r}: expected {REPORT_FORMAT!r}")
    apis = load_apis(root)
    api = report.get("api")
    if api not in apis:
        raise SpecforgeError(report_path, f"unknown API {api!r}", hint=f"known: {', '.join(apis)}")
    document = load_patched(str(api), root / "generated").document
    drafts, skipped = _collect(report, document)
    folder = drafts_dir(apis[str(api)].overlay_dir)
    folder.mkdir(parents=True, exist_ok=True)
    first = _next_number(folder)
    actions: list[dict[str, Any]] = []
    for number, draft in enumerate(drafts.values(), start=first):
        actions += _actions(document, draft, f"DRAFT-{number}", report.get("cassette"))
    if not actions:
        return folder, 0, skipped
    out = folder / f"draft-{first:03d}-{report_path.stem}.yaml"
    overlay = {
        "overlay": "1.0.0",
        "info": {
            "title": f"{api}: drafted from traffic ({report_path.name}), NOT applied until reviewed",
            "version": "0.0.0",
        },
        "actions": actions,
    }
    out.write_text(
        "# Drafted by `python -m specforge draft-overlay`: review each action, move it into a real overlay\n"
        "# file with a quirk id of its own and a ledger probe, then delete this file.\n" + _yaml.dumps(overlay),
        encoding="utf-8",
    )
    return out, len(drafts), skipped


def _collect(report: Mapping[str, Any], document: Mapping[str, Any]) -> tuple[dict[tuple[Any, ...], _Draft], list[str]]:
    drafts: dict[tuple[Any, ...], _Draft] = {}
    skipped: list[str] = []
    for operation in report.get("operations") or []:
        for deviation in operation.get("deviations") or []:
            kind, pointer = deviation.get("kind"), deviation.get("schema_pointer")
            where = f"{operation.get('label')} {deviation.get('part')} {deviation.get('pointer')}"
            if kind not in DRAFTABLE:
                skipped.append(f"{where}: {kind} has no overlay form")
                continue
            if kind in _RESPONSE_ONLY and deviation.get("part") != "response":
                skipped.append(f"{where}: {kind} of the request is the client's, not the service's")
                continue
            if kind == "content-type" and not _is_json_media(deviation.get("value")):
                skipped.append(f"{where}: content-type {deviation.get('observed')} is not JSON, no overlay form")
                continue
            if not isinstance(pointer, str):
                skipped.append(f"{where}: {kind} without a schema pointer")
                continue
            try:
                # A response that documents no body has no Content map yet: the draft adds it to the response.
                resolve(document, pointer.rpartition("/")[0] if kind == "content-type" else pointer)
            except KeyError:
                skipped.append(f"{where}: {pointer} is not in the patched spec (regenerated since?)")
                continue
            value = deviation.get("value")
            key = (kind, pointer, json.dumps(value))
            draft = drafts.setdefault(key, _Draft(kind, pointer, value, str(deviation.get("observed"))))
            draft.evidence.append(
                {
                    "operation": operation.get("operation_id"),
                    "pointer": deviation.get("pointer"),
                    "documented": deviation.get("documented"),
                    "observed": deviation.get("observed"),
                    "count": deviation.get("count"),
                    "first_entry": deviation.get("first_entry"),
                }
            )
    return drafts, skipped


def _actions(document: Mapping[str, Any], draft: _Draft, quirk: str, cassette: Any) -> list[dict[str, Any]]:
    first = draft.evidence[0]
    description = (
        f"Seen in traffic, not in the docs: {draft.kind} at {first['pointer'] or '/'} of {first['operation']} "
        f"(documented {first['documented']}, observed {first['observed']}). DRAFT: confirm with the vendor or "
        "more traffic before adopting."
    )
    evidence = {"cassette": cassette, "seen": draft.evidence}
    common = {"x-quirk": quirk, "description": description, "x-evidence": evidence}
    if draft.kind == "content-type":
        return [_media_type_action(document, draft, common)]
    node = resolve(document, draft.schema_pointer)
    if draft.kind == "missing-header":
        return [{"target": _jsonpath(draft.schema_pointer), **common, "update": {"required": False}}]
    if draft.kind == "undocumented-field":
        schema = {**_TYPE_SCHEMAS.get(draft.observed, {}), "description": f"Undocumented; seen in traffic ({quirk})."}
        return [{"target": _jsonpath(draft.schema_pointer), **common, "update": {str(draft.value): schema}}]
    if draft.kind == "undocumented-status":
        response = {"description": f"Undocumented status; seen in traffic ({quirk})."}
        return [{"target": _jsonpath(draft.schema_pointer), **common, "update": {str(draft.value): response}}]
    if draft.kind == "undocumented-enum-value":
        update: dict[str, Any] = {"enum": [draft.value]}
        if isinstance(node.get("x-enum-descriptions"), dict):
            update["x-enum-descriptions"] = {str(draft.value): f"Undocumented; seen in traffic ({quirk})."}
        if isinstance(node.get("x-enum-varnames"), list):
            update["x-enum-varnames"] = [str(draft.value).upper()]
        return [{"target": _jsonpath(draft.schema_pointer), **common, "update": update}]
    return _replace(draft.schema_pointer, _widened(draft.kind, node), common)


def _is_json_media(value: Any) -> bool:
    """application/json, or a structured-syntax +json type (RFC 6839): what the generated clients decode."""
    return isinstance(value, str) and (value == "application/json" or value.endswith("+json"))


def _media_type_action(document: Mapping[str, Any], draft: _Draft, common: dict[str, Any]) -> dict[str, Any]:
    """The observed media type beside the documented ones, with the documented JSON schema (the body was JSON)."""
    try:
        content = resolve(document, draft.schema_pointer)
    except KeyError:  # the response documents no body: a Content map is added to the response
        added: dict[str, Any] = {"content": {str(draft.value): {"schema": {}}}}
        return {"target": _jsonpath(draft.schema_pointer.rpartition("/")[0]), **common, "update": added}
    schemas = [entry["schema"] for entry in content.values() if isinstance(entry, dict) and "schema" in entry]
    media: dict[str, Any] = {str(draft.value): {"schema": copy.deepcopy(schemas[0]) if schemas else {}}}
    return {"target": _jsonpath(draft.schema_pointer), **common, "update": media}


def _widened(kind: str, node: Mapping[str, Any]) -> dict[str, Any]:
    """The node, widened to also accept what traffic showed."""
    inner = {key: copy.deepcopy(value) for key, value in node.items() if key != "description"}
    described = {"description": node["description"]} if "description" in node else {}
    if kind == "null" and isinstance(node.get("type"), str) and "$ref" not in node:
        return {**copy.deepcopy(dict(node)), "type": [node["type"], "null"]}
    if kind == "null":
        return {**described, "anyOf": [inner, {"type": "null"}]}
    if kind == "list-for-object":
        return {**described, "anyOf": [inner, {"type": "array", "items": copy.deepcopy(inner)}]}
    # date-time-for-date: the date's own examples would not be date-times
    date_time = {key: value for key, value in inner.items() if key not in {"example", "examples", "pattern"}}
    return {**described, "anyOf": [inner, {**copy.deepcopy(date_time), "format": "date-time"}]}


def _replace(pointer: str, new: dict[str, Any], common: dict[str, Any]) -> list[dict[str, Any]]:
    parent, _, last = pointer.rpartition("/")
    key = last.replace("~1", "/").replace("~0", "~")
    return [
        {"target": _jsonpath(pointer), **common, "remove": True},
        {"target": _jsonpath(parent), **common, "update": {key: new}},
    ]


def _jsonpath(pointer: str) -> str:
    """An RFC 9535 JSONPath (name selectors in single quotes) for an RFC 6901 pointer."""
    parts = [part.replace("~1", "/").replace("~0", "~") for part in pointer.split("/")[1:]]
    escaped = (part.replace("\\", "\\\\").replace("'", "\\'") for part in parts)
    return "$" + "".join(f"['{part}']" for part in escaped)


def _next_number(folder: Path) -> int:
    """DRAFT-n ids continue after those already drafted in the folder."""
    highest = 0
    for path in folder.glob("*.yaml"):
        for line in path.read_text(encoding="utf-8").splitlines():
            text = line.strip().removeprefix("- ").strip()
            if text.startswith("x-quirk: DRAFT-") and text.removeprefix("x-quirk: DRAFT-").isdigit():
                highest = max(highest, int(text.removeprefix("x-quirk: DRAFT-")))
    return highest + 1
