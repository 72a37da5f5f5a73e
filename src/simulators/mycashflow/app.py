"""`create_app()`: the MyCashflow store simulator as an ASGI app, serving generated/mycashflow/openapi.yaml."""

from __future__ import annotations

from starlette.types import ASGIApp

from .._serving import (
    DEFAULT_MAX_RECORD_BYTES,
    DEFAULT_MAX_STORE_BYTES,
    ApiBinding,
    SimClock,
    Spec,
    build_app,
)
from .._serving.spec import load_spec
from .auth import DEFAULT_USER, ApiUser, Users
from .catalog import CategoryRules, ImageRules, ProductRules, StockRules, VariationRules
from .control import control_hooks
from .errors import McfError, render_error, render_failure, render_invalid
from .handlers import make_handlers
from .orders import OrderRules, WebhookRules
from .people import BrandRules, CustomerGroupRules, CustomerRules, SupplierRules, UniqueCodeRules
from .resources import Endpoint, compile_resources
from .rules import Rules
from .seed import seed_store
from .state import StoreSettings, StoreState
from .transport import StoreGate

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
) -> ASGIApp:
    """A fresh store: empty, or seeded with `seed`; `https_only=False` accepts plain HTTP (benchmarks)."""
    spec = spec or load_spec("mycashflow")
    settings = settings or StoreSettings()
    resources, endpoints = compile_resources(spec)
    state = StoreState(
        resources, SimClock(), max_records, settings, max_store_bytes=max_store_bytes, max_record_bytes=max_record_bytes
    )
    rules = _rules(endpoints)
    if seed is not None:
        seed_store(state, rules, seed, products)
    gate = Users(users)
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
    )
    return StoreGate(build_app(binding, control=control), gate, storename=settings.storename, https_only=https_only)


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
    }
