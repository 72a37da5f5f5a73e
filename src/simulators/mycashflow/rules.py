"""Resource-specific behaviour on top of the generic handlers; the base class is a plain resource."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .._serving import parse_id
from .errors import McfError
from .state import Record, StoreState

__all__ = ["Rules"]


class Rules:
    """Hooks the generic list/get/create/update/delete call; override only what a resource needs.

    `unique` fields are checked case-insensitively store-wide and answer 409 on a duplicate.
    """

    unique: tuple[str, ...] = ()
    accepts: frozenset[str] = frozenset()  # fields `prepare` may set besides the input schema's (server-set)

    def find(self, state: StoreState, resource: str, key: str) -> Record | None:
        """The item a path key names (an integer id unless overridden, e.g. stock by product code)."""
        record_id = parse_id(key)
        return None if record_id is None else state.table(resource).get(record_id)

    def find_by(self, state: StoreState, resource: str, field: str, value: str) -> Record | None:
        """The item whose `field` equals `value` (a path like `/products/product_code={productCode}`)."""
        return next((item for item in state.table(resource).values() if item.get(field) == value), None)

    def prepare(self, state: StoreState, body: dict[str, Any], current: Record | None) -> dict[str, Any]:
        """Turn a request body into field changes (e.g. an image upload into a filename)."""
        return body

    def check(self, state: StoreState, changes: dict[str, Any], current: Record | None) -> None:
        """Refuse a write: McfError 422 for a bad value, 409 for a conflict with other items."""

    def derive(self, state: StoreState, record: Record, extra: dict[str, Any]) -> None:
        """Set server-computed fields (totals, URLs) after the changes are applied."""

    def stored(self, state: StoreState, record: Record, before: Record | None, body: dict[str, Any]) -> None:
        """Keep other tables and indexes in step after a create or an update (`body`: the request's)."""

    def deleting(self, state: StoreState, record: Record) -> None:
        """Refuse (409) or cascade before the item is removed."""

    def expand(self, state: StoreState, record: Record, name: str, nested: frozenset[str]) -> Any:
        """The value of an expansion other than `translations` and stored lists (e.g. `visibilities`)."""
        raise NotImplementedError(f"{type(self).__name__} has no expansion {name!r}")

    def sublist(self, state: StoreState, parent: Record, sub: str) -> Iterable[Record]:
        raise NotImplementedError(f"{type(self).__name__} has no sub-collection {sub!r}")

    def check_unique(self, state: StoreState, resource: str, changes: dict[str, Any], current: Record | None) -> None:
        for field in self.unique:
            value = changes.get(field)
            if not isinstance(value, str) or not value:
                continue
            owner = state.index(resource, field).get(value.lower())
            if owner is not None and (current is None or owner != current["id"]):
                raise McfError.conflict(field, f"{field} {value!r} is already used by item {owner}.")

    def index_unique(self, state: StoreState, resource: str, record: Record, before: Record | None) -> None:
        for field in self.unique:
            old = None if before is None else before.get(field)
            if isinstance(old, str) and old and state.index(resource, field).get(old.lower()) == record["id"]:
                del state.index(resource, field)[old.lower()]
            value = record.get(field)
            if isinstance(value, str) and value:
                state.index(resource, field)[value.lower()] = record["id"]
