"""The quirk ledger: one probe per overlay quirk id, saying whether a spec still has that quirk."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["Probe", "ProbeRegistry"]

Probe = Callable[[Mapping[str, Any]], bool]


class ProbeRegistry:
    """Probes for one API, keyed by quirk id (e.g. MASH-Q01); registering an id twice is an error."""

    def __init__(self, api: str) -> None:
        self.api = api
        self.probes: dict[str, Probe] = {}

    def quirk(self, quirk_id: str) -> Callable[[Probe], Probe]:
        """Register the decorated function as the probe for `quirk_id`."""

        def register(probe: Probe) -> Probe:
            if quirk_id in self.probes:
                raise ValueError(f"{self.api}: quirk {quirk_id!r} has two probes")
            self.probes[quirk_id] = probe
            return probe

        return register

    def present(self, quirk_id: str, spec: Mapping[str, Any]) -> bool:
        """Whether the quirk is in `spec`; a probe that trips over a missing key counts as absent.

        An id without a probe is a LookupError saying so, not "absent": that would read as a spec problem.
        """
        probe = self.probes.get(quirk_id)
        if probe is None:
            raise LookupError(f"{self.api}: no probe registered for quirk {quirk_id!r}")
        try:
            return bool(probe(spec))
        except (KeyError, IndexError, TypeError):
            return False
