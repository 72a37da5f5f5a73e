"""Specs → overlays → generated, drift-checked Python clients for the Mash and MyCashflow APIs."""

from .apis import API, find_root, load_apis
from .drift import DriftReport, check_drift
from .errors import SpecforgeError
from .generate import regenerate
from .ledger import ProbeRegistry
from .overlay import Overlay, OverlayResult, apply_overlays, load_overlay
from .pipeline import PatchedSpec, patch, patch_checked

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
