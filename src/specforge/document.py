"""Loading an OpenAPI or Overlay document as plain JSON data, whatever YAML allowed in the file."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from . import _yaml
from .errors import SpecforgeError

__all__ = ["load_json_document", "parse_json_document", "sha256_file", "to_json_data"]


def to_json_data(data: Any, source: Path | str) -> Any:
    """Round-trip through JSON: string keys (YAML's `200:` is an int), no shared nodes, JSON types only."""
    try:
        return json.loads(json.dumps(data))
    except (TypeError, ValueError) as err:
        raise SpecforgeError(source, f"not representable as JSON: {err}") from err


def load_json_document(path: Path) -> dict[str, Any]:
    """Read a YAML/JSON file that must hold a mapping at the top."""
    return _mapping(to_json_data(_yaml.load(path), path), path)


def parse_json_document(text: str, source: Path | str) -> dict[str, Any]:
    """Parse YAML/JSON text (already read, e.g. to hash the same bytes) that must hold a mapping at the top."""
    return _mapping(to_json_data(_yaml.loads(text, source), source), source)


def _mapping(data: Any, source: Path | str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise SpecforgeError(source, f"expected a mapping at the top level, found {type(data).__name__}")
    return data


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()
