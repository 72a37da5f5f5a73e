"""Per-operation tally of a contract run (cases, failed cases, checks), fed by schemathesis hooks.

One tally per process: xdist workers send theirs to the controller, shards write theirs to a JSON file
(`--contract-summary`), and `merge` adds them up, so a split run reports exactly what one run would.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from schemathesis import Case, CheckResult, HookContext, Response
from schemathesis.engine import Status

from .schemas import API_KEY

__all__ = ["TALLY", "OperationTally", "Tally"]

FORMAT = 1  # of the JSON form; a file of another format is refused, never half-read


@dataclass
class OperationTally:
    cases: int = 0
    failed_cases: int = 0
    checks_run: Counter[str] = field(default_factory=Counter)
    checks_failed: Counter[str] = field(default_factory=Counter)

    def add(self, other: OperationTally) -> None:
        self.cases += other.cases
        self.failed_cases += other.failed_cases
        self.checks_run.update(other.checks_run)
        self.checks_failed.update(other.checks_failed)


@dataclass
class Tally:
    operations: dict[tuple[str, str], OperationTally] = field(default_factory=dict)

    def of(self, case: Case[Any]) -> OperationTally:
        api = str(case.operation.schema.raw_schema.get(API_KEY, "?"))
        return self.operations.setdefault((api, case.operation.label), OperationTally())

    def merge(self, other: Tally) -> None:
        """Add another process's (or shard's) counts to these."""
        for key, tally in other.operations.items():
            self.operations.setdefault(key, OperationTally()).add(tally)

    def as_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "operations": [
                {
                    "api": api,
                    "operation": label,
                    "cases": tally.cases,
                    "failed_cases": tally.failed_cases,
                    "checks_run": dict(sorted(tally.checks_run.items())),
                    "checks_failed": dict(sorted(tally.checks_failed.items())),
                }
                for (api, label), tally in sorted(self.operations.items())
            ],
        }

    @classmethod
    def from_json(cls, data: Any) -> Tally:
        """The tally `as_json` wrote; a ValueError naming the first thing that is not (files come from CI jobs)."""
        if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("operations"), list):
            raise ValueError(f"not a contract summary of format {FORMAT}")
        tally = cls()
        for index, row in enumerate(data["operations"]):
            try:
                key = (_text(row["api"]), _text(row["operation"]))
                tally.operations.setdefault(key, OperationTally()).add(
                    OperationTally(
                        _count(row["cases"]),
                        _count(row["failed_cases"]),
                        Counter({_text(k): _count(v) for k, v in row["checks_run"].items()}),
                        Counter({_text(k): _count(v) for k, v in row["checks_failed"].items()}),
                    )
                )
            except (KeyError, TypeError, AttributeError, ValueError) as err:
                raise ValueError(f"operations[{index}]: {type(err).__name__}: {err}") from None
        return tally

    def lines(self) -> list[str]:
        """The summary table, one line per operation, and a total per API."""
        if not self.operations:
            return []
        width = max(len(label) for _, label in self.operations) + 2
        api_width = max(len(api) for api, _ in self.operations) + 2
        out = [f"{'api':<{api_width}}{'operation':<{width}}{'cases':>7}{'failed':>8}{'checks':>8}  failed checks"]
        totals: Counter[str] = Counter()
        for (api, label), tally in sorted(self.operations.items()):
            failures = ", ".join(f"{name} ×{count}" for name, count in sorted(tally.checks_failed.items())) or "-"
            counts = f"{tally.cases:>7}{tally.failed_cases:>8}{len(tally.checks_run):>8}"
            out.append(f"{api:<{api_width}}{label:<{width}}{counts}  {failures}")
            totals[api] += tally.cases
        out.extend(f"{api}: {count} cases" for api, count in sorted(totals.items()))
        return out


def _text(value: object) -> str:
    if not isinstance(value, str) or len(value) > 500:
        raise ValueError(f"expected a short string, got {type(value).__name__}")
    return value


def _count(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"expected a count, got {value!r:.40}")
    return value


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
