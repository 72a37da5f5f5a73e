"""The order lifecycle behind the v0 order actions: statuses move only along documented transitions.

Sources (specs/mycashflow_v0/SOURCE.yaml): T2's doc comments for every action, V10/V11 for cancelling.
- Order: `open` → `completed` (all its shipments delivered, or quick-processed) or `cancelled`; a delivered
  (`completed`) order can still be cancelled (V11), an archived one cannot (V10); cancelling sets the total
  to 0 (V11). Anything else is 409: "the item is in an incorrect state" (T3).
- Shipment: `OPEN` → `COMPLETED` once. Payment: `OPEN` ⇄ `PAID` (mark as paid / unpaid), `PENDING_ACTIVATION`
  → `PAID` (activate, Klarna), `OPEN`/`PENDING_ACTIVATION` → `CANCELLED` ("cancelled, before it was
  activated").
- Quick processing needs exactly one payment (T2); an open cash-on-delivery payment needs
  `allow_open_cash_on_delivery_payments` (T2) and stays open (it is paid on delivery); other payments end
  PAID.
- Activation errors: the payment service can refuse to activate a Klarna payment (Klarna's merchant help, K1:
  it was activated in Klarna's own portal already, or its reservation expired); `activate` then fails, and so
  does quick processing unless `ignore_payment_activation_errors` (T2: "Use this option, if the order has a
  Klarna payment that has been processed in Klarna Online"). The failure is 500, T3's gloss of the status
  ("interrupted by an error in MyCashflow or an external service"), and changes nothing; an ignored one leaves
  the payment PENDING_ACTIVATION (a choice: MyCashflow did not activate it). Outside the API, so the
  simulator takes it as a control event (`refuse_activation`).
- Archived orders (V10): "No changes can be made to the ... payment transactions of archived orders" and
  they cannot be cancelled: 409. Archiving itself has no known API action (the admin panel does it).
Stock (a choice where the docs are silent): an open order's rows reserve stock; delivering a row consumes it
(quantity - n, reservation released, a stock change logged); cancelling releases what was still reserved,
and a delivered row is not put back (`return_to_stock` stays false). Every change is an order event.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .catalog import log_stock_change
from .errors import McfError
from .orders import reserve
from .state import Record, StoreState

__all__ = [
    "PAYMENT_ACTIONS",
    "QuickProcess",
    "cancel_order",
    "complete_shipment",
    "order_extra",
    "pay",
    "quick_process",
    "refuse_activation",
]

COD = "cash_on_delivery"  # the provider of a cash-on-delivery payment method
KLARNA = "klarna"
REFUSED = "activation_refused"  # order extra: ids of payments whose activation the payment service refuses
# action → (statuses it may start from, status it ends in, event code)
PAYMENT_ACTIONS: dict[str, tuple[frozenset[str], str, str]] = {
    "mark-as-paid": (frozenset({"OPEN"}), "PAID", "payment.paid"),
    "mark-as-unpaid": (frozenset({"PAID"}), "OPEN", "payment.unpaid"),
    "mark-as-cancelled": (frozenset({"OPEN", "PENDING_ACTIVATION"}), "CANCELLED", "payment.cancelled"),
    "activate": (frozenset({"PENDING_ACTIVATION"}), "PAID", "payment.activated"),
}
QuickProcess = dict[str, Any]  # the body: allow_open_cash_on_delivery_payments, ignore_…, tracking_code, send_emails


def order_extra(state: StoreState, order: Record) -> dict[str, Any]:
    return state.table("orders").extra.setdefault(order["id"], {})


def cancel_order(state: StoreState, order: Record) -> None:
    if order.get("archived_at"):
        raise McfError.conflict("status", "An archived order cannot be cancelled.")
    if order["status"] not in ("open", "completed"):
        raise McfError.conflict("status", f"The order is {order['status']}; it cannot be cancelled.")
    extra = order_extra(state, order)
    now = state.now()
    if order["status"] == "open":
        reserve(state, _undelivered(extra), -1)
    for payment in extra.get("payments", ()):
        if payment["status"] in ("OPEN", "PENDING_ACTIVATION"):
            _set_payment(payment, "CANCELLED", now)
    order.update(status="cancelled", total=0.0, updated_at=now)  # V11: every product is marked returned
    _event(extra, now, "order.cancelled", "The order was cancelled.")


def quick_process(state: StoreState, order: Record, options: QuickProcess) -> None:
    if order["status"] != "open":
        raise McfError.conflict("status", f"The order is {order['status']}; only open orders can be quick processed.")
    extra = order_extra(state, order)
    payments = extra.get("payments", [])
    if len(payments) != 1:
        raise McfError.conflict(
            "payments", "Only orders with exactly one payment transaction can be quick processed through the API."
        )
    payment = payments[0]
    if payment["status"] not in ("OPEN", "PENDING_ACTIVATION", "PAID"):
        raise McfError.conflict("payments", f"The payment is {payment['status']}; the order cannot be processed.")
    cod = _provider(state, payment) == COD
    if cod and payment["status"] == "OPEN" and not options.get("allow_open_cash_on_delivery_payments", False):
        raise McfError.conflict(
            "allow_open_cash_on_delivery_payments",
            "The order has an open cash-on-delivery payment; allow_open_cash_on_delivery_payments is false.",
        )
    refused = payment["status"] == "PENDING_ACTIVATION" and payment["id"] in extra.get(REFUSED, ())
    if refused and not options.get("ignore_payment_activation_errors", False):
        raise _activation_error(payment)
    now = state.now()
    if refused:
        _event(extra, now, "payment.activation_failed", f"Activating payment {payment['id']} failed; ignored.")
    elif payment["status"] != "PAID" and not cod:
        _set_payment(payment, "PAID", now)
        _event(extra, now, "payment.paid", f"Payment {payment['id']} was marked as paid.")
    tracking = options.get("tracking_code")
    for shipment in extra.get("shipments", ()):
        if shipment["status"] == "OPEN":
            if tracking:
                shipment["tracking_code"] = tracking
            _complete(shipment, now)
            _event(extra, now, "shipment.completed", f"Shipment {shipment['id']} was marked as delivered.")
    _deliver(state, order, _undelivered(extra), now)
    _finish(order, extra, now)
    _event(extra, now, "order.quick_processed", "The order was quick processed.")
    if options.get("send_emails", False):
        _event(extra, now, "email.shipping_confirmation", "The shipping confirmation was e-mailed to the customer.")


def complete_shipment(state: StoreState, order: Record, shipment: dict[str, Any]) -> None:
    if order["status"] == "cancelled":
        raise McfError.conflict("status", "The order is cancelled; its shipments cannot be delivered.")
    if shipment["status"] != "OPEN":
        raise McfError.conflict("status", f"The shipment is {shipment['status']}; it was delivered already.")
    extra = order_extra(state, order)
    now = state.now()
    _complete(shipment, now)
    shipments = extra.get("shipments", [])
    last = all(s["status"] == "COMPLETED" for s in shipments)
    # A row names its shipment; rows without one go out with the order's last shipment.
    rows = [
        row
        for row in _undelivered(extra)
        if row.get("shipment_id") == shipment["id"] or (row.get("shipment_id") is None and last)
    ]
    _deliver(state, order, rows, now)
    order["updated_at"] = now
    _event(extra, now, "shipment.completed", f"Shipment {shipment['id']} was marked as delivered.")
    if last:
        _finish(order, extra, now)


def pay(state: StoreState, order: Record, payment: dict[str, Any], action: str) -> None:
    starts, ends, code = PAYMENT_ACTIONS[action]
    if order.get("archived_at"):
        raise McfError.conflict("status", "The order is archived; its payment transactions cannot change.")
    if order["status"] == "cancelled" and ends != "CANCELLED":
        raise McfError.conflict("status", "The order is cancelled; its payments cannot change.")
    if payment["status"] not in starts:
        allowed = " or ".join(sorted(starts))
        raise McfError.conflict("status", f"The payment is {payment['status']}; {action} needs {allowed}.")
    if action == "activate" and payment["id"] in order_extra(state, order).get(REFUSED, ()):
        raise _activation_error(payment)
    now = state.now()
    _set_payment(payment, ends, now)
    order["updated_at"] = now
    _event(order_extra(state, order), now, code, f"Payment {payment['id']}: {action}.")


def refuse_activation(state: StoreState, order: Record, payment: dict[str, Any]) -> None:
    """From now on the payment service refuses to activate this Klarna payment (K1: activated in its portal)."""
    if _provider(state, payment) != KLARNA or payment["status"] != "PENDING_ACTIVATION":
        raise ValueError("only a Klarna payment that is PENDING_ACTIVATION can have its activation refused")
    refused = order_extra(state, order).setdefault(REFUSED, [])
    if payment["id"] not in refused:
        refused.append(payment["id"])


def _activation_error(payment: dict[str, Any]) -> McfError:
    return McfError.external(
        "payments",
        f"Klarna refused to activate payment {payment['id']}: it was activated in Klarna's portal already, "
        "or its reservation has expired.",
    )


def _undelivered(extra: dict[str, Any]) -> list[dict[str, Any]]:
    return [row for row in extra.get("products", ()) if row.get("delivered_at") is None]


def _deliver(state: StoreState, order: Record, rows: Iterable[dict[str, Any]], now: str) -> None:
    """Delivered rows give up their reservation and take their units out of stock."""
    stock = state.table("stock")
    for row in rows:
        reserve(state, [row], -1)
        row.update(delivered_at=now, updated_at=now)
        item_id = state.stock_codes.get(row["product_code"])
        item = None if item_id is None else stock.get(item_id)
        if item is not None and item["quantity"] is not None:
            item["quantity"] -= row["quantity"]
            item["balance"] = item["quantity"] - item["reserved"]
            item["updated_at"] = now
            log_stock_change(state, item, -row["quantity"], "order", order["id"])


def _finish(order: Record, extra: dict[str, Any], now: str) -> None:
    order.update(status="completed", updated_at=now)
    extra["shipments_completed_at"] = now
    _event(extra, now, "order.completed", "Every shipment was delivered; the order is completed.")


def _complete(shipment: dict[str, Any], now: str) -> None:
    shipment.update(status="COMPLETED", completed_at=now, updated_at=now)


def _set_payment(payment: dict[str, Any], status: str, now: str) -> None:
    paid = status == "PAID"
    payment.update(status=status, is_paid=paid, is_confirmed=paid or payment["is_confirmed"], updated_at=now)


def _provider(state: StoreState, payment: dict[str, Any]) -> str | None:
    method = state.table("payment-methods").get(payment["payment_method_id"])
    return None if method is None else method.get("provider")


def _event(extra: dict[str, Any], now: str, code: str, message: str) -> None:
    extra.setdefault("events", []).append({"created_at": now, "code": code, "message": message, "data": {}})
