"""`--contract-shard I/N`: which share of the suite this machine runs, split by operation, the same on every machine.

Each test is a unit: one API operation's schemathesis test (`test_operation[<api>][<METHOD /path>]`), one API's
stateful run, one response's client-decoding test, one business-rule model. Units are sorted by node id and dealt
round-robin, so the split depends on the collected suite only (never on timing, hash seeds or the machine), every
test lands in exactly one shard, and N shards together run what one unsharded run runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

__all__ = ["Shard", "parse_shard", "split"]

_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based, as CI matrices count
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse_shard(text: str) -> Shard:
    """`I/N` with 1 ≤ I ≤ N; anything else is a ValueError that says what was expected."""
    found = _SHARD.match(text)
    if not found:
        raise ValueError(f"--contract-shard {text!r}: expected I/N, e.g. 1/2")
    index, count = int(found.group(1)), int(found.group(2))
    if count < 1 or not 1 <= index <= count:
        raise ValueError(f"--contract-shard {text!r}: the shard number must be between 1 and {max(count, 1)}")
    return Shard(index, count)


def split(items: list[pytest.Item], shard: Shard) -> tuple[list[pytest.Item], list[pytest.Item]]:
    """(kept, dropped): every `shard.count`-th test in node-id order, starting at the shard's index (order kept)."""
    ids = sorted({item.nodeid for item in items})
    mine = {nodeid for position, nodeid in enumerate(ids) if position % shard.count == shard.index - 1}
    kept = [item for item in items if item.nodeid in mine]
    dropped = [item for item in items if item.nodeid not in mine]
    return kept, dropped
