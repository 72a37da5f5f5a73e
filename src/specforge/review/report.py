"""What a review found, per API and overall, and the exit code and verdict that follow from it."""

from __future__ import annotations

from dataclasses import dataclass, field

from .acknowledge import Acknowledgement
from .breaking import Change
from .guidance import Usage
from .rules import Finding
from .surface import SurfaceDiff

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_CLEAN",
    "EXIT_FAILED",
    "ActionStatus",
    "ApiReview",
    "ClientDiff",
    "Review",
    "Validity",
]

EXIT_CLEAN, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


@dataclass
class Validity:
    """Validator findings on the raw spec (expected; the overlays fix them) and on the patched one (none allowed)."""

    raw: list[str]
    patched: list[str]
    examples: int

    @property
    def valid(self) -> bool:
        return not self.patched


@dataclass
class ActionStatus:
    """One overlay action at head: how many nodes it matched and whether applying it changed anything."""

    source: str
    label: str
    target: str
    matched: int
    effective: bool

    @property
    def state(self) -> str:
        return "unmatched" if not self.matched else "no-op" if not self.effective else "applies"


@dataclass
class ClientDiff:
    """The generated package's public API at base vs head."""

    package: str
    diff: SurfaceDiff
    stale: bool
    remaining: list[str] = field(default_factory=list)  # every public name at head


@dataclass
class ApiReview:
    """Everything the review found for one API."""

    name: str
    status: str  # "changed" or "new"
    changed_inputs: list[str]
    validity: Validity
    lint: list[Finding]
    lint_preexisting: set[tuple[str, str]]
    lint_fixed_by_overlays: int
    actions: list[ActionStatus]
    spec_changes: list[str]
    changes: list[Change]
    client: ClientDiff
    acknowledged: dict[tuple[str, str], Acknowledgement] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    usages: list[Usage] = field(default_factory=list)  # hand-written code using names the client loses

    @property
    def new_lint(self) -> list[Finding]:
        return [f for f in self.lint if f.key not in self.lint_preexisting]

    @property
    def lint_errors(self) -> list[Finding]:
        return [f for f in self.new_lint if f.severity == "error" and f.key not in self.acknowledged]

    @property
    def breaking(self) -> list[Change]:
        return [c for c in self.changes if c.breaking and (c.rule, c.location) not in self.acknowledged]

    @property
    def unmatched_actions(self) -> list[ActionStatus]:
        return [a for a in self.actions if a.state == "unmatched"]

    @property
    def exit_code(self) -> int:
        if not self.validity.valid or self.unmatched_actions:
            return EXIT_BAD_INPUT
        return EXIT_FAILED if self.breaking or self.lint_errors else EXIT_CLEAN

    def summary(self) -> str:
        parts = []
        if not self.validity.valid:
            parts.append(f"patched spec invalid ({len(self.validity.patched)} finding(s))")
        if self.unmatched_actions:
            parts.append(f"{len(self.unmatched_actions)} overlay action(s) match nothing")
        acknowledged = sum(1 for c in self.changes if c.breaking) - len(self.breaking)
        parts.append(
            f"{len(self.breaking)} breaking change(s)" + (f" (+{acknowledged} acknowledged)" if acknowledged else "")
        )
        parts.append(f"{len(self.lint_errors)} new lint error(s)")
        client = self.client.diff
        if client.removed or client.changed:
            # reported, not gating: a template change may reshape the client on purpose; the bump says it
            parts.append(f"client API: {len(client.removed)} removed, {len(client.changed)} changed (major bump)")
        if self.usages:
            files = len({usage.path for usage in self.usages})
            parts.append(f"warning: {files} hand-written file(s) still use names removed from the client")
        return f"{self.name}: " + ", ".join(parts)


@dataclass
class Review:
    """The whole review: every API whose inputs changed, and the acknowledgements nothing used."""

    base_ref: str
    base_commit: str
    apis: list[ApiReview]
    unchanged: list[str]
    unused_acknowledgements: list[Acknowledgement]
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        return max((api.exit_code for api in self.apis), default=EXIT_CLEAN)

    @property
    def verdict(self) -> str:
        if not self.apis:
            return f"PASS (exit 0): no API input changed between {self.base_ref} and the working tree"
        word = {EXIT_CLEAN: "PASS", EXIT_FAILED: "FAIL", EXIT_BAD_INPUT: "INVALID"}[self.exit_code]
        return f"{word} (exit {self.exit_code}): " + "; ".join(api.summary() for api in self.apis)
