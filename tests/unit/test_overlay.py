from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from specforge.errors import SpecforgeError
from specforge.overlay import apply_overlays, load_overlay


def _overlay(tmp_path: Path, body: str, name: str = "10-fix.yaml") -> Path:
    path = tmp_path / name
    path.write_text("overlay: 1.0.0\ninfo: {title: t, version: 1.0.0}\n" + body)
    return path


def _apply(tmp_path: Path, document: dict[str, Any], actions: str, *, strict: bool = True) -> Any:
    return apply_overlays(document, [load_overlay(_overlay(tmp_path, actions))], strict=strict)


def test_update_merges_objects_recursively_concatenates_arrays_and_replaces_scalars(tmp_path: Path) -> None:
    doc = {"a": {"keep": 1, "replace": "old", "nested": {"x": 1}, "list": [1]}}
    result = _apply(
        tmp_path,
        doc,
        "actions:\n  - target: $.a\n    update: {replace: new, nested: {y: 2}, list: [2], added: true}\n",
    )
    assert result.document == {
        "a": {"keep": 1, "replace": "new", "nested": {"x": 1, "y": 2}, "list": [1, 2], "added": True}
    }
    assert doc["a"]["replace"] == "old", "the input document must not be mutated"


def test_update_on_an_array_appends_the_value(tmp_path: Path) -> None:
    result = _apply(tmp_path, {"tags": [{"name": "a"}]}, "actions:\n  - target: $.tags\n    update: {name: b}\n")
    assert result.document == {"tags": [{"name": "a"}, {"name": "b"}]}


def test_remove_deletes_every_match_including_several_array_items(tmp_path: Path) -> None:
    doc = {"params": [{"name": "Accept"}, {"name": "id"}, {"name": "Accept"}], "x": {"drop": 1, "keep": 2}}
    result = _apply(
        tmp_path,
        doc,
        "actions:\n  - target: $.params[?@.name=='Accept']\n    remove: true\n  - target: $.x.drop\n    remove: true\n",
    )
    assert result.document == {"params": [{"name": "id"}], "x": {"keep": 2}}
    assert [r.matched for r in result.reports] == [2, 1]


def test_remove_wins_over_update(tmp_path: Path) -> None:
    result = _apply(tmp_path, {"a": {"b": {}}}, "actions:\n  - target: $.a.b\n    remove: true\n    update: {c: 1}\n")
    assert result.document == {"a": {}}


def test_actions_apply_in_order_so_remove_then_recreate_replaces(tmp_path: Path) -> None:
    result = _apply(
        tmp_path,
        {"s": {"p": {"$ref": "#/x", "description": "one"}}},
        "actions:\n  - target: $.s.p\n    remove: true\n  - target: $.s\n    update: {p: {type: array}}\n",
    )
    assert result.document == {"s": {"p": {"type": "array"}}}


def test_unmatched_target_is_an_error_naming_file_action_and_quirk(tmp_path: Path) -> None:
    with pytest.raises(SpecforgeError) as raised:
        _apply(
            tmp_path,
            {"a": {}},
            "actions:\n  - target: $.a\n    update: {}\n"
            "  - target: $.missing\n    x-quirk: MASH-Q99\n    update: {x: 1}\n",
        )
    err = raised.value
    assert Path(err.path).name == "10-fix.yaml"
    assert err.location == "line 6, actions[1] (MASH-Q99)"
    assert "matched nothing" in err.message
    assert err.hint is not None and "$.missing" in err.hint


def test_lenient_mode_reports_unmatched_actions_instead(tmp_path: Path) -> None:
    result = _apply(tmp_path, {"a": {}}, "actions:\n  - target: $.missing\n    remove: true\n", strict=False)
    assert [r.action.target for r in result.unmatched] == ["$.missing"]


def test_invalid_jsonpath_is_reported_at_load(tmp_path: Path) -> None:
    with pytest.raises(SpecforgeError, match="invalid JSONPath") as raised:
        load_overlay(_overlay(tmp_path, "actions:\n  - target: $.a[\n    remove: true\n"))
    assert raised.value.location == "actions[0]"


def test_primitive_target_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SpecforgeError, match="targets objects or arrays"):
        _apply(tmp_path, {"a": {"b": 1}}, "actions:\n  - target: $.a.b\n    update: {c: 1}\n")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("actions: []\n", "non-empty list"),
        ("actions:\n  - target: $.a\n", "needs `update` or `remove: true`"),
        ("actions:\n  - target: a.b\n    remove: true\n", "JSONPath string starting with"),
        ("actions:\n  - target: $.a\n    remove: yes please\n", "remove must be true or false"),
    ],
)
def test_malformed_overlays_are_rejected(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(SpecforgeError, match=message):
        load_overlay(_overlay(tmp_path, body))


def test_unsupported_overlay_version(tmp_path: Path) -> None:
    path = tmp_path / "o.yaml"
    path.write_text("overlay: 2.0.0\ninfo: {title: t, version: '1'}\nactions: [{target: $, remove: true}]\n")
    with pytest.raises(SpecforgeError, match="unsupported overlay version"):
        load_overlay(path)


def test_a_near_miss_target_gets_its_line_and_a_did_you_mean(tmp_path: Path) -> None:
    document: dict[str, Any] = {"components": {"schemas": {"OrderItem": {"properties": {"articleId": {}}}}}}
    with pytest.raises(SpecforgeError) as raised:
        _apply(
            tmp_path,
            document,
            "actions:\n  - target: $.components\n    update: {}\n"
            "  - description: a typo in the schema name\n"
            "    target: $.components.schemas.OrderItems.properties.articleId\n    x-quirk: MASH-Q98\n"
            "    update: {type: string}\n",
        )
    err = raised.value
    assert err.location == "line 7, actions[1] (MASH-Q98)"
    assert err.hint is not None and "did you mean: $.components.schemas.OrderItem.properties.articleId" in err.hint
    assert "line 7, actions[1] (MASH-Q98): target matched nothing" in str(err)


def test_no_suggestion_when_nothing_is_close(tmp_path: Path) -> None:
    with pytest.raises(SpecforgeError) as raised:
        _apply(tmp_path, {"a": {"b": {}}}, "actions:\n  - target: \"$['a']['zzzzzz']\"\n    update: {x: 1}\n")
    assert raised.value.hint is not None and "did you mean" not in raised.value.hint
    assert raised.value.location == "line 4, actions[0]"
