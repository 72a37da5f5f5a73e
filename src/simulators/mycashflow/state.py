"""What the simulated store remembers: one capped table per resource, plus the indexes that make rules cheap.

Handlers are synchronous and never await while they change state: on one event loop each request's
read-check-write runs without interleaving, so two creates can't take one id and two updates can't mix.
"""

from __future__ import annotations

import io
import itertools
import pickle
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import orjson

from .._serving import (
    DEFAULT_MAX_RECORD_BYTES,
    DEFAULT_MAX_STORE_BYTES,
    BoundedStore,
    ByteBudget,
    RecordTooLarge,
    SimClock,
)
from .resources import Resource

__all__ = ["HELSINKI", "Record", "StoreSettings", "StoreState", "Table", "stamp"]

HELSINKI = ZoneInfo("Europe/Helsinki")  # the docs' examples carry Finnish offsets (+03:00 summer, +02:00 winter)
Record = dict[str, Any]


def stamp(moment: datetime) -> str:
    """ISO 8601 with seconds and the store's numeric offset, e.g. 2013-06-19T20:41:47+03:00."""
    return moment.astimezone(HELSINKI).isoformat(timespec="seconds")


@dataclass(frozen=True)
class StoreSettings:
    """The store's name and languages: root-level translatable fields are in `language`."""

    storename: str = "example-store"
    language: str = "fi"
    languages: tuple[str, ...] = ("fi", "sv", "en")


class Table:
    """One resource's items by id, oldest first (ids only grow, so insertion order is id order)."""

    def __init__(self, resource: Resource, cap: int, forget: Callable[[str, Record], None], budget: ByteBudget) -> None:
        self.resource = resource
        self.items: BoundedStore[int, Record] = BoundedStore(cap, self._evicted, weigh=self._weight, budget=budget)
        self.extra: dict[int, dict[str, Any]] = {}  # shown on expansion only: translations, visibilities, links
        self._ids = itertools.count(1)
        self._last = 0
        self._forget = forget  # the state drops its secondary indexes of an evicted item

    def next_id(self) -> int:
        self._last = next(self._ids)
        return self._last

    def reserve(self, item_id: int) -> None:
        """Seeded items bring their own ids; later creates continue after the highest one."""
        if item_id > self._last:
            self._ids = itertools.count(item_id + 1)
            self._last = item_id

    def get(self, item_id: int) -> Record | None:
        return self.items.get(item_id)

    def put(self, record: Record, extra: dict[str, Any] | None = None) -> None:
        """Store `record` with its hidden `extra`; raises RecordTooLarge (storing neither) beyond the record limit."""
        item_id = record["id"]
        previous = self.extra.get(item_id)
        self.extra[item_id] = extra or {}
        try:
            self.items.put(item_id, record)
        except RecordTooLarge:
            if previous is None:
                del self.extra[item_id]
            else:
                self.extra[item_id] = previous
            raise

    def remove(self, item_id: int) -> Record | None:
        self.extra.pop(item_id, None)
        return self.items.pop(item_id)

    def values(self) -> Iterator[Record]:
        return self.items.values()

    def __len__(self) -> int:
        return len(self.items)

    def _weight(self, record: Record) -> int:
        # The JSON size of the record and its hidden part; default=str covers the odd non-JSON value.
        extra = self.extra.get(record["id"])
        return len(orjson.dumps(record, default=str)) + (len(orjson.dumps(extra, default=str)) if extra else 0)

    def _evicted(self, item_id: int, record: Record) -> None:
        self.extra.pop(item_id, None)
        self._forget(self.resource.name, record)


class StoreState:
    """All tables, the store's settings and clock, and the unique indexes (product codes, e-mails, codes)."""

    def __init__(
        self,
        resources: dict[str, Resource],
        clock: SimClock,
        max_records: int,
        settings: StoreSettings,
        *,
        max_store_bytes: int = DEFAULT_MAX_STORE_BYTES,
        max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
    ) -> None:
        self.resources = resources
        self.clock = clock
        self.max_records = max_records
        self.settings = settings
        self._byte_limits = (max_store_bytes, max_record_bytes)
        self.reset()

    def reset(self) -> None:
        self.budget = ByteBudget(*self._byte_limits)  # shared by every table: the heaviest gives way first
        self.tables = {
            name: Table(resource, self.max_records, self.forget, self.budget)
            for name, resource in self.resources.items()
        }
        # Stock items are addressed by product code, so one code names one product or variation store-wide.
        self.codes: dict[str, tuple[str, int]] = {}
        self.unique: dict[tuple[str, str], dict[str, int]] = {}  # (resource, field) → value → id
        self.open_rows: dict[tuple[str, int], int] = {}  # ("products"|"variations", id) → rows in open orders
        self.stock_codes: dict[str, int] = {}  # product code → stock item id
        self.row_ids = itertools.count(1)  # order rows, shipments and payments (not resources of their own)
        self.webhook_ids = itertools.count(1)
        self.frozen_now: str | None = None  # set while seeding: seeded timestamps don't follow the wall clock
        self.actor: Any = None  # the API user of the request being handled (handlers run one at a time)

    # What a request can change: everything reset() makes afresh, copied by snapshot() and put back by restore().
    _MUTABLE = ("budget", "tables", "codes", "unique", "open_rows", "stock_codes", "row_ids", "webhook_ids")

    def snapshot(self) -> bytes:
        """The store's contents as bytes, for restore(): seeding a store again costs far more.

        pickle rather than copy.deepcopy: the C pickler is about three times faster on a seeded store. What the contents
        share with the live store (the state, its clock, settings and compiled resources) is referred to, not copied.
        """
        shared = {id(thing): index for index, thing in enumerate(self._shared())}
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.persistent_id = lambda thing: shared.get(id(thing))  # type: ignore[method-assign]
        pickler.dump({name: getattr(self, name) for name in self._MUTABLE})
        return buffer.getvalue()

    def restore(self, snapshot: bytes) -> None:
        """The contents `snapshot()` saved (our own bytes, never outside input); the snapshot can be restored again."""
        shared = self._shared()
        unpickler = pickle.Unpickler(io.BytesIO(snapshot))
        unpickler.persistent_load = lambda index: shared[index]  # type: ignore[method-assign]
        for name, value in unpickler.load().items():
            setattr(self, name, value)
        self.frozen_now = None
        self.actor = None

    def _shared(self) -> list[Any]:
        return [self, self.resources, self.clock, self.settings, *self.resources.values()]

    def table(self, name: str) -> Table:
        return self.tables[name]

    def now(self) -> str:
        return self.frozen_now or stamp(self.clock.now())

    def index(self, resource: str, field: str) -> dict[str, int]:
        return self.unique.setdefault((resource, field), {})

    def forget(self, resource: str, record: Record) -> None:
        """Drop every index entry that points at `record` (deleted, or evicted by the store cap)."""
        item_id = record.get("id")
        for (name, field), index in self.unique.items():
            value = record.get(field)
            if name == resource and isinstance(value, str) and index.get(value.lower()) == item_id:
                del index[value.lower()]
        code = record.get("product_code")
        if isinstance(code, str) and self.codes.get(code) == (resource, item_id):
            del self.codes[code]
