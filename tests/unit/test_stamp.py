"""STAMP.json: every input hashed, sorted, no timestamps; the one reader reads what the writer wrote."""

from __future__ import annotations

from pathlib import Path

from specforge.apis import load_apis
from specforge.stamp import STAMP_NAME, read_stamp, shared_inputs, stamp_data, tool_versions, write_stamp


def test_a_stamp_names_every_input_and_reads_back(demo_repo: Path, tmp_path: Path) -> None:
    api = load_apis(demo_repo)["demo"]
    out = tmp_path / "out"
    out.mkdir()
    (out / "openapi.yaml").write_text("openapi: 3.1.0\n", encoding="utf-8")
    write_stamp(api, out, {"tool": "1"})
    stamp = read_stamp(out / STAMP_NAME)
    assert stamp == stamp_data(api, out / "openapi.yaml", {"tool": "1"})
    assert list(stamp["inputs"]) == sorted(stamp["inputs"])
    assert "codegen/UPSTREAM.yaml" in stamp["inputs"] and "specs/demo/openapi.yaml" in stamp["inputs"]
    assert all(digest.startswith("sha256:") for digest in stamp["inputs"].values())
    write_stamp(api, out, {"tool": "1"})
    assert read_stamp(out / STAMP_NAME) == stamp  # same inputs, same bytes


def test_shared_inputs_are_every_codegen_file(demo_repo: Path) -> None:
    (demo_repo / "codegen" / "__pycache__").mkdir()
    (demo_repo / "codegen" / "__pycache__" / "x.pyc").write_bytes(b"")
    names = [path.relative_to(demo_repo).as_posix() for path in shared_inputs(demo_repo)]
    assert "codegen/apis.yaml" in names and "codegen/templates/client.py.jinja" in names
    assert not [name for name in names if "__pycache__" in name]


def test_tool_versions_are_the_pinned_ones() -> None:
    assert tool_versions() == {"openapi-python-client": "0.29.1", "ruff": "0.17.6"}
