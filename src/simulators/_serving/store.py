"""A dict that forgets its oldest entries beyond a cap: a load test must never grow memory without bound.

Two caps: a number of records per store, and (for stores given a `weigh` function) bytes. A `ByteBudget`
is shared by the weighed stores of one simulator: beyond it, the oldest records of the heaviest store are
evicted; a single record heavier than the budget's `max_record` is refused with `RecordTooLarge`.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

__all__ = ["DEFAULT_MAX_RECORD_BYTES", "DEFAULT_MAX_STORE_BYTES", "BoundedStore", "ByteBudget", "RecordTooLarge"]

K = TypeVar("K")
V = TypeVar("V")

DEFAULT_MAX_RECORD_BYTES = 256 * 1024
"""A record's JSON size: orders and products of real shops are a few kB; a 0.9 MB order was an attack."""
DEFAULT_MAX_STORE_BYTES = 64 * 1024 * 1024
"""All weighed records of one simulator, as JSON (~3x that in Python objects: under ~250 MB of RSS)."""


class RecordTooLarge(ValueError):
    """A record heavier than the budget's `max_record` bytes; APIs render it as their own 4xx."""

    def __init__(self, weight: int, limit: int) -> None:
        super().__init__(f"the record would take {weight} bytes; the simulator's limit is {limit} bytes per record")
        self.weight, self.limit = weight, limit


class ByteBudget:
    """The bytes every weighed store of one simulator may hold together, and the most one record may weigh."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_STORE_BYTES, max_record: int = DEFAULT_MAX_RECORD_BYTES) -> None:
        if max_bytes < max_record or max_record < 1:
            raise ValueError(f"byte budget {max_bytes} must be at least the record limit {max_record} (>= 1)")
        self.max_bytes = max_bytes
        self.max_record = max_record
        self.used = 0
        self._stores: list[BoundedStore[object, object]] = []

    def join(self, store: BoundedStore[K, V]) -> None:
        self._stores.append(store)  # type: ignore[arg-type]  # the budget only weighs and evicts

    def settle(self, keep: object = None) -> None:
        """Evict the oldest records of the heaviest store until the budget holds (never the entry `keep`)."""
        while self.used > self.max_bytes:
            heaviest = max(self._stores, key=lambda store: store.bytes)
            if not heaviest.evict_oldest(keep):
                return  # only `keep` is left: it is within max_record, so the overshoot is bounded


class BoundedStore(Generic[K, V]):
    """Insertion-ordered map with a cap; `on_evict` lets owners drop their secondary indexes too.

    With `weigh` (a record's size in bytes) and `budget`, puts are refused beyond `budget.max_record` and
    the budget is settled after every put and `reweigh`; without them, only the record count is capped.
    """

    def __init__(
        self,
        cap: int,
        on_evict: Callable[[K, V], None] | None = None,
        *,
        weigh: Callable[[V], int] | None = None,
        budget: ByteBudget | None = None,
    ) -> None:
        if cap < 1:
            raise ValueError(f"store cap must be at least 1, got {cap}")
        if (weigh is None) != (budget is None):
            raise ValueError("weigh and budget go together")
        self.cap = cap
        self.bytes = 0
        self._items: OrderedDict[K, V] = OrderedDict()
        self._weights: dict[K, int] = {}
        self._on_evict = on_evict
        self._weigh = weigh
        self._budget = budget
        if budget is not None:
            budget.join(self)

    def put(self, key: K, value: V) -> None:
        """Store `value`; raises RecordTooLarge (and stores nothing) if it weighs more than the budget allows."""
        if self._weigh is not None:
            self._set_weight(key, self._weigh(value))
        self._items[key] = value
        while len(self._items) > self.cap:
            self.evict_oldest(key)
        if self._budget is not None:
            self._budget.settle(key)

    def reweigh(self, key: K) -> None:
        """Account for an in-place change of `key`'s record (no-op for unweighed stores or unknown keys)."""
        value = self._items.get(key)
        if self._weigh is None or value is None:
            return
        self._set_weight(key, self._weigh(value), refuse=False)
        if self._budget is not None:
            self._budget.settle(key)

    def check_room(self, key: K) -> None:
        """Raise RecordTooLarge if `key`'s record has reached the per-record limit: call before growing it, so
        one record exceeds the limit by at most one change (a change's body is capped too)."""
        weight = self._weights.get(key, 0)
        if self._budget is not None and weight >= self._budget.max_record:
            raise RecordTooLarge(weight, self._budget.max_record)

    def evict_oldest(self, keep: object = None) -> bool:
        """Evict the oldest entry other than `keep`; False if there is none."""
        for old_key in self._items:
            if old_key != keep:
                break
        else:
            return False
        old_value = self._items.pop(old_key)
        self._drop_weight(old_key)
        if self._on_evict is not None:
            self._on_evict(old_key, old_value)
        return True

    def _set_weight(self, key: K, weight: int, *, refuse: bool = True) -> None:
        assert self._budget is not None
        if refuse and weight > self._budget.max_record:
            raise RecordTooLarge(weight, self._budget.max_record)
        self._drop_weight(key)
        self._weights[key] = weight
        self.bytes += weight
        self._budget.used += weight

    def _drop_weight(self, key: K) -> None:
        weight = self._weights.pop(key, 0)
        self.bytes -= weight
        if self._budget is not None:
            self._budget.used -= weight

    def get(self, key: K) -> V | None:
        return self._items.get(key)

    def pop(self, key: K) -> V | None:
        self._drop_weight(key)
        return self._items.pop(key, None)

    def clear(self) -> None:
        for key in list(self._weights):
            self._drop_weight(key)
        self._items.clear()

    def values(self) -> Iterator[V]:
        return iter(self._items.values())

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)
