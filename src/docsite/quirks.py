"""The quirk ledger of an API as a page: per quirk id, what the vendor's document says, the fix, the probe.

From overlays/<api>/ (each action's `x-quirk`, description, target, update/remove), the raw spec (the
vendor's text at each target) and tests/ledger/probes_<api>.py (the probe, read as source with `ast`:
test code is never imported by the site build).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonpath_rfc9535 as jsonpath

from specforge.apis import API
from specforge.document import load_json_document
from specforge.overlay import OverlayAction
from specforge.pipeline import load_overlays, load_raw

from ._markdown import cell, code, inert, safe_id, yaml_block

__all__ = ["Probe", "ledger_page", "read_probes"]

LEDGER = Path("tests/ledger")
LEDGER_TESTS = ("test_quirk_is_in_the_raw_spec", "test_quirk_is_gone_from_the_patched_spec")


@dataclass(frozen=True)
class Probe:
    """A ledger probe as written: its function, first docstring line and line number."""

    quirk: str
    function: str
    doc: str
    line: int


def read_probes(path: Path) -> dict[str, Probe]:
    """quirk id → probe, from every `@PROBES.quirk("ID")` function of a probe module."""
    probes: dict[str, Probe] = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if not isinstance(node, ast.FunctionDef):
            continue
        for decorator in node.decorator_list:
            if (
                isinstance(decorator, ast.Call)
                and isinstance(decorator.func, ast.Attribute)
                and decorator.func.attr == "quirk"
                and decorator.args
                and isinstance(decorator.args[0], ast.Constant)
            ):
                doc = (ast.get_docstring(node) or "").strip()
                probes[str(decorator.args[0].value)] = Probe(
                    str(decorator.args[0].value), node.name, " ".join(doc.split()), node.lineno
                )
    return probes


def _vendor_text(raw: Any, target: str) -> list[Any]:
    try:
        return [node.value for node in jsonpath.find(target, raw)]
    except jsonpath.JSONPathError:
        return []


def _action(action: OverlayAction, raw: Any, root: Path) -> list[str]:
    source = action.source.relative_to(root).as_posix()
    out = [f"**{code(source)}** `actions[{action.index}]`, target {code(action.target)}", ""]
    if action.description:
        out += [f"> {inert(action.description)}", ""]
    found = _vendor_text(raw, action.target)
    if found:
        out += [
            "The vendor's document there (raw spec):",
            "",
            yaml_block(found[0] if len(found) == 1 else found, 25),
            "",
        ]
    else:
        out += ["The vendor's document has nothing at this target (an earlier action of the fix makes it).", ""]
    if action.remove:
        out += ["Fix: **remove** the node.", ""]
    if action.has_update:
        out += ["Fix: **update** (merged in):", "", yaml_block(action.update, 30), ""]
    return out


def ledger_page(api: API) -> tuple[str, int]:
    """(page, number of quirks): every quirk of the API's overlays, in application order."""
    raw = load_raw(api)
    root = api.root
    probe_file = LEDGER / f"probes_{api.name}.py"
    probes = read_probes(root / probe_file) if (root / probe_file).is_file() else {}
    by_quirk: dict[str, list[OverlayAction]] = {}
    other: list[tuple[str, OverlayAction]] = []
    for overlay in load_overlays(api):
        purpose = load_json_document(overlay.path)["info"].get("x-purpose")
        for action in overlay.actions:
            if action.quirk:
                by_quirk.setdefault(safe_id(action.quirk), []).append(action)
            else:
                other.append((str(purpose or "no quirk"), action))
    out = [
        f"# {api.name}: quirk ledger",
        "",
        f"Every deviation of `{api.rel(api.spec_path)}` from what the service does or what OpenAPI allows, "
        f"fixed by an OAI Overlay 1.0 action under `{api.rel(api.overlay_dir)}/` and guarded by a probe in "
        f"`{probe_file.as_posix()}`: the probe must find the quirk in the raw spec and not in the patched one "
        f"(`tests/ledger/test_ledger.py::{LEDGER_TESTS[0]}` and `::{LEDGER_TESTS[1]}`).",
        "",
        "| quirk | probe | what it finds |",
        "| --- | --- | --- |",
    ]
    for quirk in by_quirk:
        probe = probes.get(quirk)
        out.append(
            f"| [{quirk}](#{quirk.lower()}) | {f'`{probe.function}`' if probe else 'none'} "
            f"| {cell(probe.doc) if probe else '—'} |"
        )
    out.append("")
    for quirk, actions in by_quirk.items():
        probe = probes.get(quirk)
        out += [f"## {quirk}", ""]
        if probe:
            out += [
                f"Probe `{probe.function}` ({code(f'{probe_file.as_posix()}:{probe.line}')}): {inert(probe.doc)}",
                "",
                f"Tests: `tests/ledger/test_ledger.py::{LEDGER_TESTS[0]}[{api.name}:{quirk}]`, "
                f"`::{LEDGER_TESTS[1]}[{api.name}:{quirk}]`",
                "",
            ]
        for action in actions:
            out += _action(action, raw, root)
    if other:
        out += ["## Not quirks", "", "Actions for our tools' sake (e.g. OpenAPI links for stateful tests):", ""]
        out += [
            f"- {cell(purpose)}: target {code(action.target)}: {cell(action.description)}" for purpose, action in other
        ]
        out.append("")
    return "\n".join(out), len(by_quirk)
