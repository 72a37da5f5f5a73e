"""The simulators this package can serve, by API name: the `simulator` binding of codegen/apis.yaml."""

from __future__ import annotations

import functools
import importlib
from pathlib import Path

from specforge.apis import find_root, load_apis

from ._serving.entry import Simulator

__all__ = ["load", "simulators"]


@functools.cache
def simulators() -> dict[str, str]:
    """API name → the module holding its `SIMULATOR` entry, for every API the registry gives a simulator."""
    apis = load_apis(find_root(anchor=Path(__file__)))
    return {name: api.simulator for name, api in apis.items() if api.simulator}


def load(api: str) -> Simulator:
    """The serve entry of one simulator, imported only now: one simulator's start-up never pays for another's.

    A KeyError names an API without a simulator.
    """
    module = importlib.import_module(simulators()[api])
    simulator: Simulator = module.SIMULATOR
    return simulator
