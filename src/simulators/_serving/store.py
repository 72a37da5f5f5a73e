"""A dict that forgets its oldest entries beyond a cap: a load test must never grow memory without bound."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

__all__ = ["BoundedStore"]

K = TypeVar("K")
V = TypeVar("V")


class BoundedStore(Generic[K, V]):
    """Insertion-ordered map with a cap; `on_evict` lets owners drop their secondary indexes too."""

    def __init__(self, cap: int, on_evict: Callable[[K, V], None] | None = None) -> None:
        if cap < 1:
            raise ValueError(f"store cap must be at least 1, got {cap}")
        self.cap = cap
        self._items: OrderedDict[K, V] = OrderedDict()
        self._on_evict = on_evict

    def put(self, key: K, value: V) -> None:
        self._items[key] = value
        while len(self._items) > self.cap:
            old_key, old_value = self._items.popitem(last=False)
            if self._on_evict is not None:
                self._on_evict(old_key, old_value)

    def get(self, key: K) -> V | None:
        return self._items.get(key)

    def pop(self, key: K) -> V | None:
        return self._items.pop(key, None)

    def clear(self) -> None:
        self._items.clear()

    def values(self) -> Iterator[V]:
        return iter(self._items.values())

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)
