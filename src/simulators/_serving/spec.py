"""The patched spec a simulator serves: specforge's one document layer, under the names the simulators use."""

from __future__ import annotations

from specforge.openapi import follow_refs
from specforge.patched import SpecMismatchError, load_patched
from specforge.patched import StampedSpec as Spec

__all__ = ["Spec", "SpecMismatchError", "follow_refs", "load_spec"]

load_spec = load_patched
