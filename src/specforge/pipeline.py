"""From an API's raw spec to its patched spec: load, apply the overlays, validate."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .apis import API
from .document import load_json_document
from .errors import SpecforgeError
from .overlay import Overlay, OverlayResult, apply_overlays, load_overlay
from .validate import example_findings, openapi_findings

__all__ = ["PatchedSpec", "check_patched", "load_overlays", "load_raw", "patch", "patch_checked"]


@dataclass
class PatchedSpec:
    """The result of patching one API: the document, and what every overlay action matched."""

    api: API
    raw: dict[str, Any]
    result: OverlayResult

    @property
    def document(self) -> dict[str, Any]:
        return self.result.document


def load_raw(api: API) -> dict[str, Any]:
    """The API's source document (the vendored or hand-written spec)."""
    return load_json_document(api.spec_path)


def load_overlays(api: API) -> list[Overlay]:
    """Every overlay file of the API, in application order."""
    return [load_overlay(path) for path in api.overlay_files()]


def patch(api: API, *, strict: bool = True) -> PatchedSpec:
    """Apply the API's overlays to its raw spec (strict: an unmatched target is an error)."""
    raw = load_raw(api)
    result = apply_overlays(raw, load_overlays(api), strict=strict, source=api.rel(api.spec_path))
    return PatchedSpec(api=api, raw=raw, result=result)


def patch_checked(api: API) -> PatchedSpec:
    """Patch, then require a valid OpenAPI document whose examples all match their schemas."""
    patched = patch(api)
    check_patched(patched)
    return patched


def check_patched(patched: PatchedSpec) -> None:
    """Raise unless the patched document is valid OpenAPI and every example matches its schema."""
    api = patched.api
    source = f"{api.rel(api.spec_path)} + {api.rel(api.overlay_dir)}/"
    problems = openapi_findings(patched.document)
    if problems:
        raise SpecforgeError(
            source, "patched spec is not a valid OpenAPI document:\n  " + "\n  ".join(str(p) for p in problems[:20])
        )
    bad_examples = example_findings(patched.document)
    if bad_examples:
        raise SpecforgeError(
            source,
            "examples do not match their schemas after patching:\n  " + "\n  ".join(str(p) for p in bad_examples[:20]),
            hint="record each contradiction as a quirk and fix it in an overlay",
        )
