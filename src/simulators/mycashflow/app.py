"""`create_app()`: the MyCashflow store simulator as an ASGI app: generated/mycashflow/openapi.yaml under /api/v1 and
generated/mycashflow_v0/openapi.yaml (the order API public integrations use) under /api/v0, on one store."""

from __future__ import annotations

import dataclasses

from starlette.types import ASGIApp, Receive, Scope, Send

from .._serving import (
    DEFAULT_MAX_RECORD_BYTES,
    DEFAULT_MAX_STORE_BYTES,
    ApiBinding,
    Harness,
    SimClock,
    Spec,
    build_app,
)
from .._serving.spec import load_spec
from .auth import DEFAULT_USER, ApiUser, Users
from .campaigns import CampaignRules
from .catalog import CategoryRules, ImageRules, ProductRules, StockRules, VariationRules
from .control import control_hooks
from .errors import McfError, render_error, render_failure, render_invalid
from .handlers import make_handlers
from .orders import OrderRules, WebhookRules
from .people import BrandRules, CustomerGroupRules, CustomerRules, SupplierRules, UniqueCodeRules
from .resources import Endpoint, Resource, compile_resources
from .rules import Rules
from .seed import seed_store
from .state import StoreSettings, StoreState
from .transport import StoreGate
from .v0 import make_v0_handlers
from .webhooks import V0_TOPICS, V1_TOPICS, webhook_observer

__all__ = ["DEFAULT_PRODUCTS", "create_app"]

DEFAULT_PRODUCTS = 300  # a few hundred, so that paging is real at the default page_size of 50


def create_app(
    *,
    seed: int | None = None,
    products: int = DEFAULT_PRODUCTS,
    users: tuple[ApiUser, ...] = (DEFAULT_USER,),
    settings: StoreSettings | None = None,
    https_only: bool = True,
    control: bool = False,
    max_records: int = 100_000,
    max_store_bytes: int = DEFAULT_MAX_STORE_BYTES,
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
    spec: Spec | None = None,
    v0_spec: Spec | None = None,
    harness: Harness | None = None,
) -> ASGIApp:
    """A fresh store: empty, or seeded with `seed`; `https_only=False` accepts plain HTTP (benchmarks)."""
    spec = spec or load_spec("mycashflow")
    v0_spec = v0_spec or load_spec("mycashflow_v0")
    settings = settings or StoreSettings()
    resources, endpoints = compile_resources(spec)
    resources |= _v0_only(v0_spec, resources)
    state = StoreState(
        resources, SimClock(), max_records, settings, max_store_bytes=max_store_bytes, max_record_bytes=max_record_bytes
    )
    rules = _rules(endpoints)
    if seed is not None:
        seed_store(state, rules, seed, products)
    gate = Users(users)
    # One harness for both versions: one journal, one set of fault rules and one webhook outbox for the store.
    harness = harness or Harness.of(journal_size=Harness().journal.size if control else 0)
    binding = ApiBinding(
        spec=spec,
        handlers=make_handlers(state, endpoints, rules),
        authenticate=gate.authenticate,
        render_failure=render_failure,
        domain_error=McfError,
        render_error=render_error,
        render_invalid=render_invalid,
        # Accept is judged by the gate (406 only when it excludes JSON); bodies are parsed as JSON whatever
        # their Content-Type, as a client that posts JSON without one is known to work against the store.
        require_accept_json=False,
        require_json_content_type=False,
        control=control_hooks(state, rules, seed, products),
        observe=webhook_observer(state, resources, rules, harness.outbox, V1_TOPICS),
    )
    # v0 is the same store (users, errors, request handling) with its own operations; the control API is v1's.
    v0 = dataclasses.replace(
        binding,
        spec=v0_spec,
        handlers=make_v0_handlers(state, v0_spec, rules),
        control=None,
        observe=webhook_observer(state, resources, rules, harness.outbox, V0_TOPICS),
    )
    versions = _Versions(
        build_app(binding, control=control, harness=harness), build_app(v0, harness=harness), v0_spec.base_path
    )
    return StoreGate(versions, gate, storename=settings.storename, https_only=https_only)


class _Versions:
    """/api/v0/… goes to the v0 order API, everything else (v1, control endpoints) to v1: one store behind both."""

    def __init__(self, v1: ASGIApp, v0: ASGIApp, v0_base: str) -> None:
        self._v1, self._v0, self._prefix = v1, v0, v0_base + "/"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        app = self._v0 if scope["type"] == "http" and scope["path"].startswith(self._prefix) else self._v1
        await app(scope, receive, send)


def _v0_only(v0_spec: Spec, v1: dict[str, Resource]) -> dict[str, Resource]:
    """Collections only v0 lists (campaigns): tables of the one store, like v1's, served under /api/v0 only."""
    resources, endpoints = compile_resources(v0_spec)
    listed = {endpoint.resource for endpoint in endpoints.values() if endpoint.action == "list"}
    return {name: resource for name, resource in resources.items() if name in listed and name not in v1}


def _rules(endpoints: dict[str, Endpoint]) -> dict[str, Rules]:
    return {
        "products": ProductRules(),
        "variations": VariationRules(),
        "stock": StockRules(),
        "images": ImageRules(),
        "categories": CategoryRules(),
        "brands": BrandRules(),
        "suppliers": SupplierRules(),
        "customer-groups": CustomerGroupRules(),
        "customers": CustomerRules(),
        "banner-groups": UniqueCodeRules(),
        "orders": OrderRules(),
        "webhooks": WebhookRules(endpoints["listOrders"].expands),
        "campaigns": CampaignRules(),
    }
