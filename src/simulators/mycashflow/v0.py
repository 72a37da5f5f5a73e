"""The v0 API (`/api/v0`, specs/mycashflow_v0/): list and get on the v1 store's orders, the order actions, and
the campaigns list.

Lists and gets are the generic handlers on the store's tables, so both versions show one order the same way;
the actions run the lifecycle (lifecycle.py) and answer 200 with the processed item in its new state (T2).
Campaigns are a table of the same store that only v0 serves (campaigns.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .._serving import Call, Handler, Reply, Spec
from .errors import McfError
from .handlers import make_handlers
from .lifecycle import PAYMENT_ACTIONS, cancel_order, complete_shipment, order_extra, pay, quick_process
from .resources import compile_resources
from .rules import Rules
from .state import Record, StoreState
from .views import render

__all__ = ["make_v0_handlers"]

_READS = ("listOrders", "getOrder", "listCampaigns")
_PAYMENT_OPERATIONS = {
    "markOrderPaymentPaid": "mark-as-paid",
    "markOrderPaymentUnpaid": "mark-as-unpaid",
    "markOrderPaymentCancelled": "mark-as-cancelled",
    "activateOrderPayment": "activate",
}


def make_v0_handlers(state: StoreState, spec: Spec, rules: Mapping[str, Rules]) -> dict[str, Handler]:
    """A handler for every operation of the v0 spec, on `state` (the v1 store)."""
    _, endpoints = compile_resources(spec)
    handlers = make_handlers(state, {op: endpoints[op] for op in _READS}, rules)
    order_rules = rules["orders"]

    def order_reply(order: Record) -> Reply:
        return 200, {"data": render(state, state.resources["orders"], order_rules, order, {})}

    def cancel(call: Call) -> Reply:
        order = _order(state, call)
        cancel_order(state, order)
        return order_reply(order)

    def quick(call: Call) -> Reply:
        order = _order(state, call)
        quick_process(state, order, call.body if isinstance(call.body, dict) else {})
        return order_reply(order)

    def shipments(call: Call) -> Reply:
        return 200, {"data": order_extra(state, _order(state, call)).get("shipments", [])}

    def shipment(call: Call) -> Reply:
        return 200, {"data": _part(state, call, "shipments", "shipmentID")[1]}

    def complete(call: Call) -> Reply:
        order, item = _part(state, call, "shipments", "shipmentID")
        complete_shipment(state, order, item)
        return 200, {"data": item}

    def payment(call: Call) -> Reply:
        return 200, {"data": _part(state, call, "payments", "paymentID")[1]}

    def payment_action(action: str) -> Callable[[Call], Reply]:
        def handler(call: Call) -> Reply:
            order, item = _part(state, call, "payments", "paymentID")
            pay(state, order, item, action)
            return 200, {"data": item}

        return handler

    handlers.update(
        cancelOrder=cancel,
        quickProcessOrder=quick,
        listOrderShipments=shipments,
        getOrderShipment=shipment,
        completeOrderShipment=complete,
        getOrderPayment=payment,
    )
    handlers.update({op: payment_action(action) for op, action in _PAYMENT_OPERATIONS.items()})
    assert set(PAYMENT_ACTIONS) == set(_PAYMENT_OPERATIONS.values())
    return handlers


def _order(state: StoreState, call: Call) -> Record:
    key = call.path_params["orderID"]
    order = state.table("orders").get(int(key)) if key.isdigit() else None
    if order is None:
        raise McfError.not_found("orderID", f"No order {key!r} in this store.")
    state.actor = call.principal
    return order


def _part(state: StoreState, call: Call, kind: str, param: str) -> tuple[Record, dict[str, Any]]:
    """An order's shipment or payment; one of another order is not found (404), like a missing one."""
    order = _order(state, call)
    key = call.path_params[param]
    for item in order_extra(state, order).get(kind, ()):
        if str(item["id"]) == key:
            return order, item
    raise McfError.not_found(param, f"Order {order['id']} has no {kind.rstrip('s')} {key!r}.")
