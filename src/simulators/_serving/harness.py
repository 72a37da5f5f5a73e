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
    start_faults: tuple[FaultRule, ...] = ()  # the command line's rules (--fault): what a reset brings back

    @classmethod
    def of(cls, faults: Iterable[FaultRule] = (), journal_size: int = DEFAULT_JOURNAL_SIZE) -> Harness:
        rules = tuple(faults)
        return cls(FaultSet.of(rules), Journal(journal_size), Outbox(), rules)

    def reset(self) -> None:
        """As the simulator started, like WireMock's /__admin/reset: the start's fault rules (counts and draws
        afresh), an empty journal and no deliveries. A test that resets first sees only its own traffic."""
        self.faults.replace(self.start_faults)
        self.journal.clear()
        self.outbox.clear()
