"""What a tester adds to a simulator: fault rules, the request journal and the webhook outbox, shared by
every app of one API."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .faults import FaultRule, FaultSet
from .journal import DEFAULT_JOURNAL_SIZE, Journal
from .webhooks import Outbox

__all__ = ["Harness"]


@dataclass
class Harness:
    """One per simulator: MyCashflow's v1 and v0 apps share it, so one journal shows both."""

    faults: FaultSet = field(default_factory=FaultSet)
    journal: Journal = field(default_factory=Journal)
    outbox: Outbox = field(default_factory=Outbox)

    @classmethod
    def of(cls, faults: Iterable[FaultRule] = (), journal_size: int = DEFAULT_JOURNAL_SIZE) -> Harness:
        return cls(FaultSet.of(faults), Journal(journal_size), Outbox())
