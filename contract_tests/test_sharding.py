"""`--contract-shard I/N`: shards are disjoint, cover the suite, and do not depend on the order tests arrive in."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import cast

import pytest

from .sharding import Shard, parse_shard, split


@dataclass
class _Item:
    nodeid: str


def _items(count: int) -> list[pytest.Item]:
    ids = [f"contract_tests/test_server_contract.py::test_operation[mash][GET /orders/{n}]" for n in range(count)]
    return cast(list[pytest.Item], [_Item(nodeid) for nodeid in ids])


@pytest.mark.parametrize("count", [1, 2, 3, 7])
def test_shards_are_disjoint_cover_everything_and_differ_by_at_most_one(count: int) -> None:
    items = _items(23)
    kept = [split(items, Shard(index, count))[0] for index in range(1, count + 1)]
    seen = [item.nodeid for share in kept for item in share]
    assert sorted(seen) == sorted(item.nodeid for item in items)
    assert len(set(seen)) == len(seen)
    assert max(map(len, kept)) - min(map(len, kept)) <= 1


def test_a_shard_does_not_depend_on_collection_order_and_keeps_it() -> None:
    items = _items(10)
    shuffled = list(items)
    random.Random(4).shuffle(shuffled)
    first, dropped = split(items, Shard(1, 3))
    again, _ = split(shuffled, Shard(1, 3))
    assert sorted(i.nodeid for i in first) == sorted(i.nodeid for i in again)
    assert [i.nodeid for i in again] == [i.nodeid for i in shuffled if i in again]  # the run order is kept
    assert len(first) + len(dropped) == 10


def test_one_shard_is_the_whole_suite() -> None:
    items = _items(5)
    assert split(items, Shard(1, 1)) == (items, [])


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1/2", Shard(1, 2)), (" 2 / 2 ", Shard(2, 2)), ("1/1", Shard(1, 1))],
)
def test_shard_spellings(text: str, expected: Shard) -> None:
    assert parse_shard(text) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [("0/2", "between 1 and 2"), ("3/2", "between"), ("1/0", "between")]
    + [(text, "expected I/N") for text in ("1-2", "", "a/b", "1/2/3")],
)
def test_bad_shards_are_refused_with_what_was_expected(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_shard(text)
