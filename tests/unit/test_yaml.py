from __future__ import annotations

from pathlib import Path

import pytest

from specforge import _yaml
from specforge.errors import SpecforgeError


def test_duplicate_key_is_an_error_naming_line(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text("a: 1\nb:\n  c: 1\n  c: 2\n")
    with pytest.raises(SpecforgeError) as raised:
        _yaml.load(path)
    assert raised.value.path == path
    assert raised.value.location == "4:3"
    assert "duplicate key 'c'" in raised.value.message


def test_malformed_yaml_names_file_and_position(tmp_path: Path) -> None:
    path = tmp_path / "overlay.yaml"
    path.write_text("actions:\n  - target: [unclosed\n")
    with pytest.raises(SpecforgeError) as raised:
        _yaml.load(path)
    assert str(path) in str(raised.value)
    assert raised.value.location is not None and raised.value.location.startswith("3:")


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(SpecforgeError, match="file not found"):
        _yaml.load(tmp_path / "nope.yaml")


def test_dates_stay_strings_but_yaml_11_booleans_do_not() -> None:
    data = _yaml.loads("day: 2020-10-26\nwhen: 2020-10-26T14:47:09Z\ncountry: NO\n", "x")
    assert data == {"day": "2020-10-26", "when": "2020-10-26T14:47:09Z", "country": False}


def test_dump_is_deterministic_and_keeps_order() -> None:
    data = {"z": 1, "a": {"list": [1, "two"], "text": "line one\nline two"}, "é": "ä"}
    text = _yaml.dumps(data)
    assert text == _yaml.dumps(data)
    assert text.index("z:") < text.index("a:")
    assert "é: ä" in text
    assert _yaml.loads(text, "x") == data


def test_dump_never_emits_anchors() -> None:
    shared = {"type": "string"}
    assert "&" not in _yaml.dumps({"a": shared, "b": shared})
