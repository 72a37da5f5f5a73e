"""Load an API's patched spec, refusing one whose bytes differ from the stamp generation wrote."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from specforge import _yaml

__all__ = ["GENERATED", "Spec", "SpecMismatchError", "follow_refs", "load_spec"]

# src/simulators/_serving/spec.py → the repository root holds generated/ (editable install or checkout).
GENERATED = Path(__file__).resolve().parents[3] / "generated"


class SpecMismatchError(Exception):
    """The patched spec is not the one its STAMP.json records: someone edited generated/ by hand."""


@dataclass(frozen=True)
class Spec:
    """A patched spec as served: its document, the digest it was checked against, its base path."""

    api: str
    path: Path
    document: dict[str, Any]
    sha256: str

    @property
    def base_path(self) -> str:
        """The path of the first server URL (`https://fi.mash.com/api` → `/api`), so URLs mirror production."""
        servers = self.document.get("servers") or [{"url": ""}]
        url: str = servers[0]["url"]
        return urlsplit(url).path.rstrip("/")


@functools.cache
def load_spec(api: str, generated: Path = GENERATED) -> Spec:
    """Read generated/<api>/openapi.yaml after checking its sha256 against STAMP.json `patched_spec`."""
    path = generated / api / "openapi.yaml"
    stamp_path = generated / api / "STAMP.json"
    raw = path.read_bytes()
    digest = "sha256:" + hashlib.sha256(raw).hexdigest()
    stamped = json.loads(stamp_path.read_text(encoding="utf-8"))["patched_spec"]
    if digest != stamped:
        raise SpecMismatchError(
            f"{path}: {digest} differs from {stamp_path} patched_spec {stamped}; "
            "regenerate with `nox -s generate` instead of editing generated/"
        )
    return Spec(api=api, path=path, document=_yaml.loads(raw.decode("utf-8"), path), sha256=digest)


def follow_refs(document: Mapping[str, Any], node: Mapping[str, Any]) -> dict[str, Any]:
    """The node a chain of local `$ref`s ends at (RFC 6901 escapes undone), as a plain dict."""
    while "$ref" in node:
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return dict(node)
