"""What a simulator gives the `serve` CLI: its own flags, and an app built from them."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from starlette.types import ASGIApp

from .faults import FaultRule
from .harness import Harness
from .journal import DEFAULT_JOURNAL_SIZE
from .store import DEFAULT_MAX_RECORD_BYTES, DEFAULT_MAX_STORE_BYTES

__all__ = ["ServeOptions", "Simulator"]


@dataclass(frozen=True)
class ServeOptions:
    """The options every simulator understands."""

    host: str
    port: int
    control: bool
    max_records: int
    https: bool = False  # served over TLS (only simulators with `certificate_names`, unless --insecure)
    max_store_bytes: int = DEFAULT_MAX_STORE_BYTES  # all records of the simulator, as JSON; the heaviest kind evicts
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES  # one record, as JSON; beyond it a create/update is refused
    faults: tuple[FaultRule, ...] = ()  # --fault rules, active from the start (see faults.py)
    journal_size: int = DEFAULT_JOURNAL_SIZE  # requests kept for /_sim/requests; 0: no journal

    def harness(self) -> Harness:
        """The faults and journal these options ask for (no journal without the control endpoints to read it)."""
        return Harness.of(self.faults, self.journal_size if self.control else 0)


@dataclass(frozen=True)
class Simulator:
    """How the CLI serves one API: its own flags, and an app plus start-up lines built from them."""

    description: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    build: Callable[[argparse.Namespace, ServeOptions], tuple[ASGIApp, list[str]]]
    # Set for an API that exists only over HTTPS: served with a test CA made at start-up, for these host
    # names (and the loopback ones), unless started with --insecure. None: plain HTTP.
    certificate_names: Callable[[argparse.Namespace], Sequence[str]] | None = None
    # The SDK's `from_env` variables that point a client at this simulator (the CA file, when served over
    # HTTPS, is the third argument): printed at start-up as one ready-to-paste `export` line.
    environment: Callable[[argparse.Namespace, ServeOptions, Path | None], Mapping[str, str]] | None = None
    # What tests need (README examples, contract targets): the default user's (username, password), the app
    # with the package's defaults, and an app for contract runs (https_only → control endpoints on, a state
    # that is the same at every start, so hypothesis can replay a scenario after /_sim/reset).
    credentials: tuple[str, str] = ("", "")
    default_app: Callable[[], ASGIApp] | None = None
    contract_app: Callable[[bool], ASGIApp] | None = None
