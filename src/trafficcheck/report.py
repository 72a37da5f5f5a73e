"""The deviation report: per operation, each distinct deviation with its count and the first cassette entry showing it.

Written as JSON (what `python -m specforge draft-overlay` reads) and Markdown (what a person reads).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .check import Checked

__all__ = ["REPORT_FORMAT", "DeviationReport", "counted"]


def counted(number: int, noun: str) -> str:
    """A count as the summaries print it: 1 exchange, 2 exchanges."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


REPORT_FORMAT = "trafficcheck-report/1"


@dataclass
class _Seen:
    deviation: dict[str, Any]
    count: int
    first_entry: int


@dataclass
class _Operation:
    operation_id: str | None
    label: str
    exchanges: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    deviations: dict[tuple[Any, ...], _Seen] = field(default_factory=dict)


class DeviationReport:
    """Collects verdicts in cassette order; `to_json` / `to_markdown` render them."""

    def __init__(self, api: str, spec_sha256: str, cassette: str | None = None) -> None:
        self.api = api
        self.spec_sha256 = spec_sha256
        self.cassette = cassette
        self.exchanges = 0
        self.deviating = 0
        self._operations: dict[str, _Operation] = {}

    def add(self, entry: int, checked: Checked, status: int | None) -> None:
        """One exchange, `entry` its 1-based position in the cassette; status None: no upstream answer."""
        self.exchanges += 1
        self.deviating += bool(checked.deviations)
        op = self._operations.setdefault(checked.label, _Operation(checked.operation_id, checked.label))
        op.exchanges += 1
        if status is not None:
            op.statuses[status] += 1
        for deviation in checked.deviations:
            seen = op.deviations.get(deviation.key())
            if seen is None:
                op.deviations[deviation.key()] = _Seen(deviation.as_dict(), 1, entry)
            else:
                seen.count += 1

    def to_json(self) -> dict[str, Any]:
        return {
            "format": REPORT_FORMAT,
            "api": self.api,
            "spec_sha256": self.spec_sha256,
            "cassette": self.cassette,
            "exchanges": self.exchanges,
            "deviating_exchanges": self.deviating,
            "operations": [
                {
                    "operation_id": op.operation_id,
                    "label": op.label,
                    "exchanges": op.exchanges,
                    "statuses": {str(status): count for status, count in sorted(op.statuses.items())},
                    "deviations": [
                        {**seen.deviation, "count": seen.count, "first_entry": seen.first_entry}
                        for seen in op.deviations.values()
                    ],
                }
                for op in self._operations.values()
            ],
        }

    def to_markdown(self) -> str:
        lines = [
            f"# Deviations from the {self.api} spec",
            "",
            f"{counted(self.exchanges, 'exchange')}, {self.deviating} with deviations; spec {self.spec_sha256[:19]}…"
            + (f"; cassette `{self.cassette}`" if self.cassette else ""),
        ]
        for op in self._operations.values():
            statuses = ", ".join(f"{status} ×{count}" for status, count in sorted(op.statuses.items())) or "no answer"
            lines += ["", f"## {op.label} ({op.operation_id or 'not in the spec'})", ""]
            lines.append(f"{op.exchanges} exchanges ({statuses})")
            if not op.deviations:
                lines.append("\nNo deviation.")
                continue
            lines += [
                "",
                "| pointer | kind | documented | observed | count | first entry |",
                "|---|---|---|---|---|---|",
            ]
            for seen in op.deviations.values():
                d = seen.deviation
                cells = [
                    f"`{d['part']} {d['pointer'] or '/'}`",
                    d["kind"],
                    _cell(d["documented"]),
                    _cell(d["observed"]),
                    str(seen.count),
                    f"#{seen.first_entry}",
                ]
                lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines) + "\n"

    def summary_lines(self) -> list[str]:
        """One line per operation, for the end of a run."""
        lines = []
        for op in self._operations.values():
            seen = sum(deviation.count for deviation in op.deviations.values())
            lines.append(
                f"{op.label} [{op.operation_id or '-'}]: {counted(op.exchanges, 'exchange')}, "
                f"{counted(len(op.deviations), 'distinct deviation')} ({seen} in all)"
            )
        return lines

    def write(self, folder: Path, stem: str = "deviations") -> tuple[Path, Path]:
        folder.mkdir(parents=True, exist_ok=True)
        json_path, md_path = folder / f"{stem}.json", folder / f"{stem}.md"
        json_path.write_text(json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        md_path.write_text(self.to_markdown(), encoding="utf-8")
        return json_path, md_path


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")[:120]
