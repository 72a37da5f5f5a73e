"""BoundedStore forgets the oldest entries beyond its cap, and tells its owner."""

from __future__ import annotations

import pytest

from simulators._serving import BoundedStore


def test_the_oldest_entries_are_evicted_beyond_the_cap() -> None:
    evicted: list[tuple[str, int]] = []
    store: BoundedStore[str, int] = BoundedStore(2, lambda key, value: evicted.append((key, value)))
    for i, key in enumerate("abc"):
        store.put(key, i)
    assert ("a" in store, store.get("b"), store.get("c"), len(store)) == (False, 1, 2, 2)
    assert evicted == [("a", 0)]


def test_a_cap_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        BoundedStore(0)
