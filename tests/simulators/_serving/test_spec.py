"""The simulator refuses a patched spec that differs from its stamp."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from simulators._serving import SpecMismatchError, load_spec
from specforge.patched import generated_dir


def _copy(tmp_path: Path) -> Path:
    (tmp_path / "mash").mkdir()
    for name in ("openapi.yaml", "STAMP.json"):
        shutil.copy(generated_dir() / "mash" / name, tmp_path / "mash" / name)
    return tmp_path


def test_the_committed_spec_matches_its_stamp() -> None:
    spec = load_spec("mash")
    assert spec.base_path == "/api"
    assert spec.sha256.startswith("sha256:")


def test_an_edited_spec_is_refused_naming_both_files(tmp_path: Path) -> None:
    generated = _copy(tmp_path)
    with (generated / "mash" / "openapi.yaml").open("a", encoding="utf-8") as spec:
        spec.write("# a hand edit\n")
    with pytest.raises(SpecMismatchError, match=r"openapi\.yaml.*STAMP\.json"):
        load_spec("mash", generated)
