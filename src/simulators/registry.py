"""The simulators this package can serve, by API name (the folder name under generated/)."""

from __future__ import annotations

import importlib

from ._serving.entry import Simulator

__all__ = ["SIMULATORS", "load"]

# Module paths, imported only when asked for: one simulator's start-up never pays for another's.
SIMULATORS: dict[str, str] = {"mash": "simulators.mash.serve", "mycashflow": "simulators.mycashflow.serve"}


def load(api: str) -> Simulator:
    """The serve entry of one simulator; a KeyError names the unknown API."""
    module = importlib.import_module(SIMULATORS[api])
    simulator: Simulator = module.SIMULATOR
    return simulator
