"""Specs → overlays → generated, drift-checked Python clients for the Mash and MyCashflow APIs.

Names are imported on first use (PEP 562): the simulators and tests import the document layer
(`specforge.openapi`, `specforge.patched`) without paying for the generator and review tooling.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .apis import API, find_root, load_apis
    from .drift import DriftReport, check_drift
    from .errors import SpecforgeError
    from .generate import regenerate
    from .ledger import ProbeRegistry
    from .overlay import Overlay, OverlayResult, apply_overlays, load_overlay
    from .pipeline import PatchedSpec, patch, patch_checked

_HOMES = {
    "API": "apis",
    "find_root": "apis",
    "load_apis": "apis",
    "DriftReport": "drift",
    "check_drift": "drift",
    "SpecforgeError": "errors",
    "regenerate": "generate",
    "ProbeRegistry": "ledger",
    "Overlay": "overlay",
    "OverlayResult": "overlay",
    "apply_overlays": "overlay",
    "load_overlay": "overlay",
    "PatchedSpec": "pipeline",
    "patch": "pipeline",
    "patch_checked": "pipeline",
}

__all__ = [
    "API",
    "DriftReport",
    "Overlay",
    "OverlayResult",
    "PatchedSpec",
    "ProbeRegistry",
    "SpecforgeError",
    "apply_overlays",
    "check_drift",
    "find_root",
    "load_apis",
    "load_overlay",
    "patch",
    "patch_checked",
    "regenerate",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'specforge' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{home}", __name__), name)
