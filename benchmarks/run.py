"""Run the benchmarks, print the table, write BENCHMARKS.json (and BENCHMARKS.md on request)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ._measure import Figure, Stats
from .client_overhead import in_process
from .contract import contract_figures, contract_rate
from .journal_cost import journal_cost
from .proxy import proxy_vs_prism
from .regen import output_check_cost, regeneration, scaling
from .serving import (
    client_call,
    mash_byte_memory,
    mash_journal_cost,
    mash_memory,
    mash_vs_prism,
    mycashflow_vs_prism,
)

ROOT = Path(__file__).resolve().parents[1]
KEPT = "<!-- kept by --write-markdown -->"


def _machine() -> dict[str, object]:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(memory / 2**30, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "date": dt.date.today().isoformat(),
    }


def _cell(figure: Figure) -> tuple[str, str, str, str, str]:
    def show(stats: object) -> str:
        if stats is None:
            return "n/a"
        median, low, high = stats.median, stats.low, stats.high  # type: ignore[attr-defined]
        spread = f" ({low:.3g}–{high:.3g})" if stats.runs > 1 else ""  # type: ignore[attr-defined]
        return f"{median:.3g} {figure.unit}{spread}"

    ratio = f"{figure.ratio:.2f}×" if figure.ratio is not None else "n/a"
    verdict = {True: "met", False: "MISSED", None: "—"}[figure.met]
    return show(figure.ours), show(figure.anchor), ratio, figure.target, verdict


def render(figures: list[Figure], machine: dict[str, object]) -> str:
    """A Markdown table: figure, ours, anchor, ratio, target, verdict; notes below."""
    lines = [
        f"Machine: {machine['cores']} cores, {machine['memory_gib']} GiB, Python {machine['python']}; "
        f"date {machine['date']}. Each value: median of the runs (min–max).",
        "",
        "| figure | ours | anchor (same run) | ratio | target | |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for figure in figures:
        ours, anchor, ratio, target, verdict = _cell(figure)
        lines.append(f"| {figure.name} | {ours} | {figure.anchor_name}: {anchor} | {ratio} | {target} | {verdict} |")
    notes = [f"- {figure.name}: {figure.note}" for figure in figures if figure.note]
    return "\n".join(lines + (["", *notes] if notes else [])) + "\n"


def _figure(data: dict[str, Any]) -> Figure:
    """A row of BENCHMARKS.json back as a Figure (its stored ratio is recomputed)."""
    fields = {key: value for key, value in data.items() if key != "ratio"}
    for side in ("ours", "anchor"):
        fields[side] = Stats(**fields[side]) if fields[side] is not None else None
    return Figure(**fields)


def merged(previous: dict[str, Any], figures: list[Figure], only: str, machine: dict[str, object]) -> dict[str, Any]:
    """A partial run (`--only`) in BENCHMARKS.json: its rows replace the rows of the same name (or are added at
    the end), every other row is kept as it was measured; `partial_runs` says which rows came when."""
    fresh = {figure.name: figure for figure in figures}
    kept = [_figure(row) for row in previous.get("figures", [])]
    rows = [fresh.pop(figure.name, figure) for figure in kept] + list(fresh.values())
    partial = [*previous.get("partial_runs", []), {"only": only, "machine": machine}]
    return {"machine": previous.get("machine", machine), "partial_runs": partial, "figures": rows}


def merged_markdown(text: str, figures: list[Figure], machine: dict[str, object]) -> str:
    """BENCHMARKS.md after a partial run: each fresh row (and its note) replaces the line of the same figure or
    is added after the last row (note); every other line, hand-written annotations included, stays as it is."""
    fresh = render(figures, machine).splitlines()
    head, marker, kept = text.partition(KEPT)  # below the marker: written by hand, never touched
    lines = head.rstrip("\n").splitlines()
    for figure in figures:
        for prefix in (f"| {figure.name} |", f"- {figure.name}: "):
            new = next((line for line in fresh if line.startswith(prefix)), None)
            if new is None:
                continue
            at = next((index for index, line in enumerate(lines) if line.startswith(prefix)), None)
            if at is not None:
                lines[at] = new
                continue
            kind = prefix[:2]  # "| " a table row, "- " a note
            last = max((index for index, line in enumerate(lines) if line.startswith(kind)), default=None)
            if last is None:  # a first note: after the table, below one blank line
                last = max(index for index, line in enumerate(lines) if line.startswith("| "))
                lines.insert(last + 1, "")
                last += 1
            lines.insert(last + 1, new)
    return "\n".join(lines) + "\n" + (f"\n{marker}{kept}" if marker else "")


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one short repetition of everything (CI)")
    parser.add_argument("--write-markdown", action="store_true", help="also rewrite BENCHMARKS.md")
    parser.add_argument("--only", help="run only figures whose group name contains this")
    args = parser.parse_args()
    runs = 1 if args.quick else 5
    groups: dict[str, Callable[[], list[Figure]]] = {
        "regen": lambda: [regeneration(runs), output_check_cost(runs)],
        "scaling": lambda: scaling([1, 2] if args.quick else [1, 10, 100], runs if args.quick else 3),
        "mash-load": lambda: mash_vs_prism(1 if args.quick else 3, 2 if args.quick else 10),
        "mash-journal": lambda: [
            journal_cost(1 if args.quick else 5),
            *mash_journal_cost(4 if args.quick else 6, 2 if args.quick else 5),  # even: on/off, off/on
        ],
        "mash-memory": lambda: [mash_memory(10_000, 1_000) if args.quick else mash_memory(100_000, 10_000)],
        "mash-byte-memory": lambda: [
            mash_byte_memory(8 * 2**20, 256 * 1024, 2) if args.quick else mash_byte_memory(64 * 2**20, 256 * 1024, 3)
        ],
        "mycashflow-load": lambda: mycashflow_vs_prism(1 if args.quick else 3, 2 if args.quick else 10),
        "proxy": lambda: proxy_vs_prism(1 if args.quick else 5, 2 if args.quick else 10),
        "client": lambda: [
            in_process(100 if args.quick else 300, 10 if args.quick else 60),
            client_call(200 if args.quick else 2000, runs),
        ],
        "contract": lambda: contract_figures(args.quick) + ([] if args.quick else [contract_rate(3)]),
    }
    figures: list[Figure] = []
    for name, group in groups.items():
        if args.only and args.only not in name:
            continue
        print(f"running {name} …", flush=True)
        figures += group()
    machine = _machine()
    print(render(figures, machine))
    output = ROOT / ("BENCHMARKS.quick.json" if args.quick else "BENCHMARKS.json")
    result: dict[str, Any] = {"machine": machine, "figures": figures}
    if args.only and not args.quick and output.exists():  # the other rows stay: BENCHMARKS.md shows them all
        result = merged(json.loads(output.read_text(encoding="utf-8")), figures, args.only, machine)
    table = render(result["figures"], result["machine"])
    for run in result.get("partial_runs", []):
        table += f"\nRows of `--only {run['only']}`: measured {run['machine']['date']} on the same kind of machine.\n"
    output.write_text(json.dumps({**result, "figures": [f.as_dict() for f in result["figures"]]}, indent=2) + "\n")
    if args.write_markdown and not args.quick and args.only and (ROOT / "BENCHMARKS.md").exists():
        markdown = ROOT / "BENCHMARKS.md"
        markdown.write_text(merged_markdown(markdown.read_text(encoding="utf-8"), figures, machine), encoding="utf-8")
    elif args.write_markdown and not args.quick:
        markdown = ROOT / "BENCHMARKS.md"
        # What follows the marker (e.g. the contract suite's profile) is written by hand and kept.
        kept = markdown.read_text(encoding="utf-8").partition(KEPT)[2] if markdown.exists() else ""
        markdown.write_text("# Benchmarks (latest `nox -s bench`)\n\n" + table + (f"\n{KEPT}{kept}" if kept else ""))


if __name__ == "__main__":
    main()
