"""Reading a patched spec for use: the STAMP check, and finding the repository from an installed package."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from specforge.apis import REGISTRY_FILE, find_root
from specforge.errors import SpecforgeError
from specforge.patched import SpecMismatchError, generated_dir, load_patched

REPO = Path(__file__).resolve().parents[2]


def _copy(tmp_path: Path) -> Path:
    (tmp_path / "mash").mkdir()
    for name in ("openapi.yaml", "STAMP.json"):
        shutil.copy(generated_dir() / "mash" / name, tmp_path / "mash" / name)
    return tmp_path


def test_the_committed_spec_matches_its_stamp() -> None:
    """What the simulators serve (simulators._serving.spec re-exports this loader)."""
    spec = load_patched("mash")
    assert spec.base_path == "/api"
    assert spec.sha256.startswith("sha256:")


def test_a_stamped_spec_loads_strictly_as_json_data(tmp_path: Path) -> None:
    spec = load_patched("mash", _copy(tmp_path))
    assert spec.base_path == "/api"
    assert all(isinstance(status, str) for status in spec.document["paths"]["/orders"]["post"]["responses"])


def test_a_hand_edit_is_refused_naming_both_files(tmp_path: Path) -> None:
    generated = _copy(tmp_path)
    with (generated / "mash" / "openapi.yaml").open("a", encoding="utf-8") as handle:
        handle.write("# edited\n")
    with pytest.raises(SpecMismatchError, match=r"openapi\.yaml.*STAMP\.json"):
        load_patched("mash", generated)


def test_an_installed_package_finds_the_repository_from_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A non-editable install lives in site-packages: the package's own location says nothing."""
    monkeypatch.delenv("SPECFORGE_ROOT", raising=False)
    site = tmp_path / "venv" / "lib" / "site-packages" / "specforge" / "apis.py"
    site.parent.mkdir(parents=True)
    assert find_root(start=REPO / "src" / "simulators", anchor=site) == REPO
    assert find_root(start=tmp_path, anchor=REPO / "src" / "specforge" / "apis.py") == REPO  # editable: its file
    with pytest.raises(SpecforgeError, match=str(REGISTRY_FILE)):
        find_root(start=tmp_path, anchor=site)
    monkeypatch.setenv("SPECFORGE_ROOT", str(REPO))
    assert find_root(start=tmp_path, anchor=site) == REPO
