"""Reading an API's patched spec for use: generated/<api>/openapi.yaml, refused unless it matches its STAMP.json.

Everything that serves, tests or measures a patched spec (simulators, contract tests, SDK tests, benchmarks)
loads it here, through the strict loader, so a hand edit under generated/ is caught the same way everywhere.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .apis import find_root
from .document import parse_json_document
from .stamp import STAMP_NAME, read_stamp

__all__ = ["SpecMismatchError", "StampedSpec", "generated_dir", "load_patched"]


class SpecMismatchError(Exception):
    """The patched spec is not the one its STAMP.json records: someone edited generated/ by hand."""


@dataclass(frozen=True)
class StampedSpec:
    """A patched spec as used: its document, the digest it was checked against, its base path."""

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


def generated_dir() -> Path:
    """The repository's generated/ folder: SPECFORGE_ROOT, the working directory, else this file's checkout."""
    return find_root(anchor=Path(__file__)) / "generated"


@functools.cache
def load_patched(api: str, generated: Path | None = None) -> StampedSpec:
    """Read generated/<api>/openapi.yaml after checking its sha256 against STAMP.json `patched_spec`."""
    folder = (generated or generated_dir()) / api
    path, stamp_path = folder / "openapi.yaml", folder / STAMP_NAME
    raw = path.read_bytes()
    digest = "sha256:" + hashlib.sha256(raw).hexdigest()
    stamped = read_stamp(stamp_path)["patched_spec"]
    if digest != stamped:
        raise SpecMismatchError(
            f"{path}: {digest} differs from {stamp_path} patched_spec {stamped}; "
            "regenerate with `nox -s generate` instead of editing generated/"
        )
    return StampedSpec(api=api, path=path, document=parse_json_document(raw.decode("utf-8"), path), sha256=digest)
