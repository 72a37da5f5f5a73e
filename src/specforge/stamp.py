"""STAMP.json: the hash of every input of a generated folder, so output can be traced to inputs."""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path
from typing import Any

from .apis import API
from .document import sha256_file

__all__ = ["STAMP_NAME", "read_stamp", "shared_inputs", "stamp_data", "tool_versions", "write_stamp"]

STAMP_NAME = "STAMP.json"


def shared_inputs(root: Path) -> list[Path]:
    """Inputs every API's output depends on: the registry, the generator config and templates."""
    codegen = root / "codegen"
    return sorted(path for path in codegen.rglob("*") if path.is_file() and "__pycache__" not in path.parts)


def tool_versions() -> dict[str, str]:
    """Versions of the tools whose behaviour shapes the output bytes."""
    return {"openapi-python-client": version("openapi-python-client"), "ruff": version("ruff")}


def stamp_data(api: API, patched_spec: Path, tools: dict[str, str]) -> dict[str, Any]:
    """The stamp: sorted repo-relative input paths with sha256, the patched spec's hash, tools."""
    inputs = [api.spec_path, *api.overlay_files(), *shared_inputs(api.root)]
    return {
        "api": api.name,
        "inputs": {api.rel(path): "sha256:" + sha256_file(path) for path in sorted(inputs)},
        "patched_spec": "sha256:" + sha256_file(patched_spec),
        "tools": tools,
    }


def write_stamp(api: API, out_dir: Path, tools: dict[str, str]) -> None:
    """Write out_dir/STAMP.json: sorted keys, no timestamps, so identical inputs give identical bytes."""
    data = stamp_data(api, out_dir / "openapi.yaml", tools)
    (out_dir / STAMP_NAME).write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def read_stamp(path: Path) -> dict[str, Any]:
    """A STAMP.json as written by `write_stamp` (the one reader: drift review and the patched-spec loader)."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data
