"""Overlay health: which actions still apply, and what a new spec changes against the committed patched one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from specforge.apis import load_apis
from specforge.document import load_json_document
from specforge.health import overlay_health, spec_changes


def _doc(**paths: Any) -> dict[str, Any]:
    return {"info": {"version": "1"}, "paths": paths, "components": {"schemas": {"A": {"type": "string"}}}}


def test_spec_changes_lists_added_removed_and_changed_operations_schemas_and_version() -> None:
    old = _doc(**{"/a": {"get": {"operationId": "a"}, "post": {"operationId": "p"}}})
    new = _doc(**{"/a": {"get": {"operationId": "a2"}}, "/b": {"delete": {"operationId": "b"}}})
    new["components"]["schemas"] = {"B": {"type": "integer"}}
    new["info"]["version"] = "2"
    assert spec_changes(old, new) == [
        "+ operation DELETE /b",
        "- operation POST /a",
        "~ operation GET /a",
        "+ schema B",
        "- schema A",
        "~ info.version '1' -> '2'",
    ]
    assert spec_changes(old, old) == []


def test_health_counts_matches_and_renders_no_ops(demo_repo: Path) -> None:
    api = load_apis(demo_repo)["demo"]
    raw = load_json_document(api.spec_path)
    healthy = overlay_health(api, raw)
    assert healthy.unmatched == [] and "1 of 1 action(s) apply" in healthy.render()
    del raw["components"]["schemas"]["Thing"]["properties"]["kind"]
    fixed_upstream = overlay_health(api, raw, previous=healthy.patched)
    assert len(fixed_upstream.unmatched) == 1
    text = fixed_upstream.render()
    assert "NO-OP" in text and "~ schema Thing" in text
