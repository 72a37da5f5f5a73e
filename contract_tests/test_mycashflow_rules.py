"""MyCashflow business rules: the generated client (through mycashflow_sdk) against an empty in-process store.

Whatever was created is listed exactly once, the pages of a list add up to its `meta`, updates show, and
what was deleted is gone (404), for three resources that share the create/get/update/delete/list shape.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import httpx
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, consumes, initialize, rule
from mycashflow_client.api.brands import create_brand, delete_brand, get_brand, list_brands, update_brand
from mycashflow_client.api.customer_groups import (
    create_customer_group,
    delete_customer_group,
    get_customer_group,
    list_customer_groups,
    update_customer_group,
)
from mycashflow_client.api.suppliers import (
    create_supplier,
    delete_supplier,
    get_supplier,
    list_suppliers,
    update_supplier,
)
from mycashflow_client.models import BrandInput, CustomerGroupInput, SupplierInput

from mycashflow_sdk import MyCashflow, NotFoundError, pages
from sdk_runtime import RetryPolicy
from simulators.mycashflow import DEFAULT_USER, create_app

from .in_process import SameThreadTransport
from .session import current


@dataclass(frozen=True)
class Resource:
    name: str
    create: ModuleType
    get: ModuleType
    update: ModuleType
    delete: ModuleType
    list: ModuleType
    body: Any  # the generated Input model: Model(name=...)


RESOURCES = {
    r.name: r
    for r in (
        Resource("brands", create_brand, get_brand, update_brand, delete_brand, list_brands, BrandInput),
        Resource(
            "customer-groups",
            create_customer_group,
            get_customer_group,
            update_customer_group,
            delete_customer_group,
            list_customer_groups,
            CustomerGroupInput,
        ),
        Resource(
            "suppliers", create_supplier, get_supplier, update_supplier, delete_supplier, list_suppliers, SupplierInput
        ),
    )
}
names = st.text(st.characters(codec="utf-8", categories=["L", "N", "Zs"]), min_size=1, max_size=20).map(str.strip)


@contextmanager
def _store() -> Iterator[tuple[MyCashflow, httpx.Client]]:
    """One empty store for every run of the machine (each run starts with /_sim/reset)."""
    app = create_app(control=True)  # no seed: an empty store, so the model knows every item
    transport = SameThreadTransport(app)
    with httpx.Client(transport=transport, base_url="https://example-store.mycashflow.fi") as client:
        store = MyCashflow(
            "example-store",
            username=DEFAULT_USER.email,
            api_key=DEFAULT_USER.api_key,
            transport=transport,
            retry=RetryPolicy.disabled(),
        )
        with store:
            yield store, client


class StoreResources(RuleBasedStateMachine):
    items = Bundle("items")
    store: MyCashflow
    app: httpx.Client

    def __init__(self) -> None:
        super().__init__()
        self.model: dict[str, dict[int, str]] = {name: {} for name in RESOURCES}
        self.serial = 0

    @initialize()
    def start(self) -> None:
        assert self.app.post("/_sim/reset").status_code == 200

    def _unique(self, name: str) -> str:
        self.serial += 1
        return f"{name or 'x'} #{self.serial}"  # names stay unique whatever the store thinks of duplicates

    @rule(target=items, kind=st.sampled_from(sorted(RESOURCES)), name=names)
    def create(self, kind: str, name: str) -> tuple[str, int]:
        resource, name = RESOURCES[kind], self._unique(name)
        created = resource.create.sync(client=self.store, body=resource.body(name=name)).data
        assert created.name == name
        assert created.id not in self.model[kind], f"{kind}: id {created.id} handed out twice"
        self.model[kind][created.id] = name
        return kind, created.id

    @rule(item=items)
    def get(self, item: tuple[str, int]) -> None:
        kind, item_id = item
        resource = RESOURCES[kind]
        if item_id in self.model[kind]:
            assert resource.get.sync(item_id, client=self.store).data.name == self.model[kind][item_id]
        else:
            self._gone(kind, item_id)

    @rule(item=items, name=names)
    def update(self, item: tuple[str, int], name: str) -> None:
        kind, item_id = item
        resource, name = RESOURCES[kind], self._unique(name)
        if item_id not in self.model[kind]:
            try:
                resource.update.sync(item_id, client=self.store, body=resource.body(name=name))
            except NotFoundError:
                return
            raise AssertionError(f"{kind} {item_id} was deleted, yet it could be updated")
        assert resource.update.sync(item_id, client=self.store, body=resource.body(name=name)).data.name == name
        self.model[kind][item_id] = name

    @rule(item=consumes(items))
    def delete(self, item: tuple[str, int]) -> None:
        kind, item_id = item
        if item_id not in self.model[kind]:
            return
        RESOURCES[kind].delete.sync(item_id, client=self.store)
        del self.model[kind][item_id]
        self._gone(kind, item_id)

    def _gone(self, kind: str, item_id: int) -> None:
        try:
            RESOURCES[kind].get.sync(item_id, client=self.store)
        except NotFoundError:
            return
        raise AssertionError(f"{kind} {item_id} was deleted, yet it is still there")

    @rule(kind=st.sampled_from(sorted(RESOURCES)), page_size=st.integers(min_value=1, max_value=7))
    def list_every_page(self, kind: str, page_size: int) -> None:
        listed: list[int] = []
        count = 0
        for page in pages(RESOURCES[kind].list.sync, client=self.store, page_size=page_size):
            assert len(page.data) <= page_size
            listed.extend(item.id for item in page.data)
            count += 1
            assert page.meta.item_count == len(self.model[kind])
            assert page.meta.page_count == math.ceil(len(self.model[kind]) / page_size)
        assert len(listed) == len(set(listed)), f"{kind}: an item was listed twice"
        assert set(listed) == set(self.model[kind]), f"{kind}: the list is not what was created and kept"
        assert count == max(1, math.ceil(len(self.model[kind]) / page_size))


def test_mycashflow_lists_show_what_was_created_once_and_nothing_deleted() -> None:
    profile = current().profile
    with _store() as (StoreResources.store, StoreResources.app):
        StoreResources.TestCase.settings = profile.hypothesis(
            profile.model_runs, stateful_step_count=profile.model_steps
        )
        StoreResources.TestCase().runTest()
