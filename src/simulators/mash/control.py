"""The Mash side of the control endpoints: seed merchants with keys, inspect orders unmasked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._serving import ControlHooks, parse_id
from .state import MashState, MerchantSeed, Order, Status
from .views import order_json

__all__ = ["control_hooks"]


def control_hooks(state: MashState) -> ControlHooks:
    return ControlHooks(
        clock=state.clock,
        reset=state.reset,
        seed=lambda p: _seed(state, p),
        inspect=_inspect(state),
        overview=lambda: {"orders": _latest_orders(state)},
    )


def _latest_orders(state: MashState, count: int = 50) -> list[dict[str, Any]]:
    """The newest orders as of the simulated clock: an Approved order past `expires` shows as expired, the
    rule orders.order_for applies on its next read (not changed here: the console only looks)."""
    now = state.now()
    rows = []
    for order in list(state.orders.values())[-count:][::-1]:
        lapsed = order.status is Status.APPROVED and order.expires is not None and now >= order.expires
        rows.append({
            "orderId": order.order_id, "clientOrderId": order.client_order_id,
            "status": "Closed (expired)" if lapsed or order.expired else order.status.value,
            "expires": order.expires.isoformat() if order.expires else None,
        })  # fmt: skip
    return rows


def _seed(state: MashState, payload: Any) -> object:
    """{"merchants": [{"merchantId", "username", "password", "name"?}]}: merchants whose keys work at once."""
    merchants = payload.get("merchants") if isinstance(payload, dict) else None
    if not isinstance(merchants, list) or not merchants:
        raise ValueError('expected {"merchants": [{"merchantId": 1, "username": "u", "password": "p"}]}')
    seeds = []
    for i, entry in enumerate(merchants):
        if not isinstance(entry, dict):
            raise ValueError(f"merchants[{i}]: expected an object")
        merchant_id, username, password = entry.get("merchantId"), entry.get("username"), entry.get("password")
        if not (isinstance(merchant_id, int) and 0 < merchant_id < 10**18) or isinstance(merchant_id, bool):
            raise ValueError(f"merchants[{i}].merchantId: expected a positive integer")
        if not (isinstance(username, str) and username and isinstance(password, str) and password):
            raise ValueError(f"merchants[{i}]: username and password must be non-empty strings")
        seeds.append(MerchantSeed(merchant_id, str(entry.get("name", f"Merchant {merchant_id}")), username, password))
    for seed in seeds:
        state.add_fixed_merchant(seed)
    return {"merchants": [seed.merchant_id for seed in seeds]}


def _inspect(state: MashState) -> Callable[[str, str, dict[str, str]], object | None]:
    def inspect(kind: str, key: str, query: dict[str, str]) -> object | None:
        if kind == "orders":
            order = state.orders.get(key)
        elif kind == "client-orders":
            merchant_id = parse_id(query.get("merchantId", "")) or state.seeds[0].merchant_id
            order_id = state.by_client_id.get((merchant_id, key))
            order = state.orders.get(order_id) if order_id else None
        else:
            return None
        return None if order is None else _internal(order)

    return inspect


def _internal(order: Order) -> dict[str, Any]:
    """The OrderResult plus what the API never shows: the full personId, expiry, charge events."""
    return {
        **order_json(order),
        "merchantId": order.merchant_id,
        "personIdUnmasked": order.identity.canonical,
        "expires": order.expires.isoformat() if order.expires else None,
        "expired": order.expired,
        "chargeEvents": [{"id": e["id"], "orderItem": e["orderItem"]} for e in order.charge_events],
    }
