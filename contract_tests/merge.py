"""`nox -s contract-merge -- DIR…`: N shards' JUnit reports and per-operation summaries as one report.

Each DIR holds what one shard's `nox -s contract -- --contract-shard I/N` wrote (build/contract-junit.xml and
build/contract-summary.json). The shards must be one run: same profile, same seed, shards 1…N each exactly once;
anything else is refused (exit 2) rather than merged into a report that looks complete. Exit 1 when a merged test
failed, else 0. The files come from other CI jobs: each is size-capped before it is parsed.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from junitparser import JUnitXml, TestSuite

from .sharding import parse_shard
from .summary import Tally

__all__ = ["MergeError", "Shard", "main", "merge", "read_shard"]

JUNIT = "contract-junit.xml"
SUMMARY = "contract-summary.json"
MAX_BYTES = 64 * 2**20  # a thorough run's JUnit is about 1 MB


class MergeError(Exception):
    """The shards cannot be merged (missing, malformed, or not from one run); the message names the file."""


@dataclass
class Shard:
    directory: Path
    junit: JUnitXml
    tally: Tally
    profile: str
    seed: object
    index: int
    count: int


def _read(path: Path) -> bytes:
    if not path.is_file():
        raise MergeError(f"{path}: missing (each directory holds one shard's {JUNIT} and {SUMMARY})")
    if path.stat().st_size > MAX_BYTES:
        raise MergeError(f"{path}: larger than {MAX_BYTES // 2**20} MiB")
    return path.read_bytes()


def read_shard(directory: Path) -> Shard:
    """One shard's reports, checked."""
    summary_path, junit_path = directory / SUMMARY, directory / JUNIT
    try:
        document = json.loads(_read(summary_path))
        tally = Tally.from_json(document)
        shard = parse_shard(str(document.get("shard")))
    except ValueError as err:  # JSONDecodeError included
        raise MergeError(f"{summary_path}: {err}") from None
    try:
        junit = JUnitXml.fromstring(_read(junit_path))
    except Exception as err:  # the XML parser's own errors (ParseError, lxml's), whatever backs junitparser
        raise MergeError(f"{junit_path}: not a JUnit XML report ({type(err).__name__}: {err})") from None
    if isinstance(junit, TestSuite):  # a report with a single <testsuite> root, as pytest writes it
        whole = JUnitXml()
        whole.add_testsuite(junit)
        junit = whole
    return Shard(directory, junit, tally, str(document.get("profile")), document.get("seed"), shard.index, shard.count)


def merge(shards: list[Shard]) -> tuple[JUnitXml, Tally]:
    """One JUnit report and one tally from the shards of one run."""
    if not shards:
        raise MergeError("no shard directories given")
    first = shards[0]
    for shard in shards[1:]:
        if (shard.profile, shard.seed, shard.count) != (first.profile, first.seed, first.count):
            raise MergeError(
                f"{shard.directory}: profile {shard.profile}, seed {shard.seed}, {shard.count} shards; "
                f"{first.directory}: profile {first.profile}, seed {first.seed}, {first.count} shards: not one run"
            )
    indices = sorted(shard.index for shard in shards)
    if indices != list(range(1, first.count + 1)):
        raise MergeError(f"shards {indices} given, expected each of 1…{first.count} exactly once")
    junit = JUnitXml(name="contract")
    tally = Tally()
    for shard in sorted(shards, key=lambda s: s.index):
        for suite in shard.junit:
            junit.add_testsuite(suite)
        tally.merge(shard.tally)
    junit.update_statistics()  # type: ignore[no-untyped-call]  # junitparser 5.0.3 leaves it unannotated
    return junit, tally


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="contract-merge", description=__doc__.split("\n", 1)[0])
    parser.add_argument("shards", nargs="+", type=Path, help="one directory per shard")
    parser.add_argument("--into", type=Path, default=Path("build"), help="where the merged reports go")
    args = parser.parse_args(argv)
    try:
        shards = [read_shard(directory) for directory in args.shards]
        junit, tally = merge(shards)
    except MergeError as err:
        print(f"contract-merge: {err}", file=sys.stderr)
        return 2
    args.into.mkdir(parents=True, exist_ok=True)
    junit.write(str(args.into / JUNIT))
    document = {**tally.as_json(), "profile": shards[0].profile, "seed": shards[0].seed, "shard": "1/1"}
    (args.into / SUMMARY).write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    for line in tally.lines():
        print(line)
    failed = (junit.failures or 0) + (junit.errors or 0)
    print(
        f"{len(shards)} shards merged into {args.into}: {junit.tests} tests, {failed} failed or in error, "
        f"{junit.skipped} skipped"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
