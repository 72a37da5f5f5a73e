"""From raw spec to patched spec: overlays in file-name order, strict targets, and the checks on the result."""

from __future__ import annotations

from pathlib import Path

import pytest

from specforge.apis import load_apis
from specforge.errors import SpecforgeError
from specforge.pipeline import load_overlays, patch, patch_checked

from ._demo import DEMO_OVERLAY


def _overlay(root: Path, name: str, target: str, update: str) -> None:
    action = f"  - target: {target}\n    description: {name}\n    update: {update}\n"
    text = DEMO_OVERLAY.split("actions:")[0] + "actions:\n" + action
    (root / "overlays" / "demo" / name).write_text(text)


def test_overlays_apply_in_file_name_order(demo_repo: Path) -> None:
    _overlay(demo_repo, "20-later.yaml", "$.components.schemas.Thing.properties.kind", "{enum: [3]}")
    _overlay(demo_repo, "05-earlier.yaml", "$.components.schemas.Thing.properties.kind", "{enum: [9]}")
    api = load_apis(demo_repo)["demo"]
    assert [overlay.path.name for overlay in load_overlays(api)] == ["05-earlier.yaml", "10-fix.yaml", "20-later.yaml"]
    kind = patch(api).document["components"]["schemas"]["Thing"]["properties"]["kind"]
    assert kind["enum"] == [9, 1, 2, 3]  # an update appends to a list (Overlay 1.0): file-name order shows


def test_an_overlay_target_that_matches_nothing_is_an_error_unless_lenient(demo_repo: Path) -> None:
    _overlay(demo_repo, "20-stale.yaml", "$.components.schemas.Gone", "{type: object}")
    api = load_apis(demo_repo)["demo"]
    with pytest.raises(SpecforgeError, match="target matched nothing"):
        patch(api)
    lenient = patch(api, strict=False)
    assert "Gone" not in lenient.document["components"]["schemas"]
    assert lenient.raw["components"]["schemas"]["Thing"]["properties"]["kind"] == {"type": "integer"}


def test_an_example_that_contradicts_its_schema_after_patching_is_named(demo_repo: Path) -> None:
    _overlay(demo_repo, "20-retype.yaml", "$.components.schemas.Thing.properties.kind", "{type: string}")
    with pytest.raises(SpecforgeError) as raised:
        patch_checked(load_apis(demo_repo)["demo"])
    assert "examples do not match their schemas after patching" in raised.value.message
    assert "overlays/demo/" in str(raised.value.path)
    assert raised.value.hint and "quirk" in raised.value.hint


def test_a_patched_spec_that_is_not_valid_openapi_is_refused(demo_repo: Path) -> None:
    _overlay(demo_repo, "20-break.yaml", "$.info", "{version: {not: a string}}")
    with pytest.raises(SpecforgeError, match="not a valid OpenAPI document"):
        patch_checked(load_apis(demo_repo)["demo"])
