"""Per-operation tally of a contract run (cases, failed cases, checks), fed by schemathesis hooks."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from schemathesis import Case, CheckResult, HookContext, Response
from schemathesis.engine import Status

from .schemas import API_KEY

__all__ = ["TALLY", "OperationTally", "Tally"]


@dataclass
class OperationTally:
    cases: int = 0
    failed_cases: int = 0
    checks_run: Counter[str] = field(default_factory=Counter)
    checks_failed: Counter[str] = field(default_factory=Counter)


@dataclass
class Tally:
    operations: dict[tuple[str, str], OperationTally] = field(default_factory=dict)

    def of(self, case: Case[Any]) -> OperationTally:
        api = str(case.operation.schema.raw_schema.get(API_KEY, "?"))
        return self.operations.setdefault((api, case.operation.label), OperationTally())

    def lines(self) -> list[str]:
        """The summary table, one line per operation, and a total per API."""
        if not self.operations:
            return []
        width = max(len(label) for _, label in self.operations) + 2
        out = [f"{'api':<12}{'operation':<{width}}{'cases':>7}{'failed':>8}{'checks':>8}  failed checks"]
        totals: Counter[str] = Counter()
        for (api, label), tally in sorted(self.operations.items()):
            failures = ", ".join(f"{name} ×{count}" for name, count in sorted(tally.checks_failed.items())) or "-"
            counts = f"{tally.cases:>7}{tally.failed_cases:>8}{len(tally.checks_run):>8}"
            out.append(f"{api:<12}{label:<{width}}{counts}  {failures}")
            totals[api] += tally.cases
        out.extend(f"{api}: {count} cases" for api, count in sorted(totals.items()))
        return out


TALLY = Tally()


@schemathesis.hook
def after_call(context: HookContext, case: Case[Any], response: Response) -> None:
    TALLY.of(case).cases += 1


@schemathesis.hook
def after_validate(context: HookContext, case: Case[Any], response: Response, results: list[CheckResult]) -> None:
    tally = TALLY.of(case)
    failed = False
    for result in results:
        tally.checks_run[result.name] += 1
        if result.status == Status.FAILURE:
            tally.checks_failed[result.name] += 1
            failed = True
    tally.failed_cases += failed
