"""Customers (in customer groups, with secondary addresses), and what deleting a brand, supplier or group does.

Conventions (chosen where the docs are silent): a customer's e-mail is unique in the store (409 on a
duplicate); deleting a brand or supplier clears `brand_id`/`supplier_id` on its products, and deleting a
customer group takes it off its customers (the products and customers themselves stay).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .rules import Rules
from .state import Record, StoreState

__all__ = ["BrandRules", "CustomerGroupRules", "CustomerRules", "SupplierRules", "UniqueCodeRules"]


class CustomerRules(Rules):
    unique = ("email",)

    def expand(self, state: StoreState, record: Record, name: str, nested: frozenset[str]) -> Any:
        if name == "customer_groups":
            groups = state.table("customer-groups")
            ids = state.table("customers").extra.get(record["id"], {}).get("group_ids", ())
            return [group for group in map(groups.get, ids) if group is not None]
        return super().expand(state, record, name, nested)

    def sublist(self, state: StoreState, parent: Record, sub: str) -> Iterable[Record]:
        addresses = state.table("secondary_addresses")
        ids = state.table("customers").extra.get(parent["id"], {}).get("address_ids", ())
        return [address for address in map(addresses.get, ids) if address is not None]


class _ClearsReference(Rules):
    """Deleting the item clears the reference `field` on every item of `holder` that points at it."""

    holder = ""
    field = ""

    def deleting(self, state: StoreState, record: Record) -> None:
        now = state.now()
        for item in state.table(self.holder).values():
            if item[self.field] == record["id"]:
                item[self.field] = None
                item["updated_at"] = now


class BrandRules(_ClearsReference):
    holder, field = "products", "brand_id"


class SupplierRules(_ClearsReference):
    holder, field = "products", "supplier_id"


class CustomerGroupRules(Rules):
    def deleting(self, state: StoreState, record: Record) -> None:
        for extra in state.table("customers").extra.values():
            ids = extra.get("group_ids")
            if ids and record["id"] in ids:
                ids.remove(record["id"])


class UniqueCodeRules(Rules):
    """Banner groups: the code identifies a group in theme files, so two groups can't share one (409)."""

    unique = ("code",)
