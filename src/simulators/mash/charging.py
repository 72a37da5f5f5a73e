"""Charge order: deliver reserved items (all, some, or some units), creating one Invoice or PaymentPlan per call."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from .errors import Code, MashError
from .items import ALL_UNITS, read_items
from .money import ZERO
from .orders import order_for, split
from .payouts import record_payout
from .state import ApiKey, Document, Item, MashState, Order, Status
from .views import item_json

__all__ = ["charge_order"]

_REFUSED = {
    Status.PENDING: Code.ORDER_PENDING,
    Status.DENIED: Code.ORDER_DENIED,
    Status.CANCELLED: Code.ORDER_CANCELLED,
    Status.CLOSED: Code.ORDER_CLOSED,
}


def charge_order(state: MashState, key: ApiKey, order_id: str, body: dict[str, Any]) -> Order:
    """Approved orders, and Active ones with items still reserved ("additional partial delivery is possible")."""
    order = order_for(state, key, order_id)
    locale = order.locale
    if order.expired:
        raise MashError(Code.ORDER_EXPIRED, None, locale)
    if order.status in _REFUSED:
        raise MashError(_REFUSED[order.status], None, locale)
    not_authorized = Code.INVOICE_NOT_AUTHORIZED if order.payment_type == "Invoice" else Code.PAYMENT_PLAN_NOT_POSSIBLE
    requested = read_items(body.get("orderItems"), "orderItems", locale, selecting=order.itemized)
    if order.itemized:
        charged = _take_reserved(order, requested, bool(body.get("fullDelivery")), not_authorized)
    else:  # created with totalItems only: the charge brings the items, within what is still reserved
        if not requested:
            raise MashError(Code.NO_ROWS, "orderItems: this order was created with totalItems only", locale)
        already = sum((item.amount for doc in order.documents for item in doc.items), ZERO)
        if already + sum((item.amount for item in requested), ZERO) > order.reserved_total:
            raise MashError(not_authorized, f"more than the reserved {order.reserved_total}", locale)
        charged = requested
        order.items.extend(charged)
    if not charged:
        raise MashError(Code.WRONG_ORDER_STATUS, "no reserved items left to charge", locale)
    _book(state, key, order, charged)
    return order


def _take_reserved(order: Order, requested: list[Item], full: bool, not_authorized: Code) -> list[Item]:
    """The reserved items to charge; a request for fewer units than reserved splits the item."""
    reserved = [item for item in order.items if item.status == "Reserved"]
    if full:
        return reserved
    if not requested:
        raise MashError(Code.NO_ROWS, "orderItems: give the items to charge, or fullDelivery: true", order.locale)
    picks: list[tuple[Item, Decimal]] = []
    for want in requested:  # every check before any change: a refused charge leaves the order as it was
        found = next((i for i in reserved if i.matches(want) and all(i is not p for p, _ in picks)), None)
        units = found.units if found is not None and want.units is ALL_UNITS else want.units
        if found is None or units > found.units:
            raise MashError(not_authorized, f"{want.article_id or want.description!r} is not reserved", order.locale)
        picks.append((found, units))
    return [split(order, item, units) for item, units in picks]


def _book(state: MashState, key: ApiKey, order: Order, charged: list[Item]) -> None:
    merchant = state.merchant(order.merchant_id)
    now = state.now()
    plan = order.payment_type == "PaymentPlan"
    document_id: int | str = str(next(state.plan_ids)) if plan else next(state.invoice_ids)
    for item in charged:
        item.status, item.document_id = "Charged", document_id
        order.charge_events.append({"id": next(state.event_ids), "orderItem": item_json(item)})
    snapshot = [item.copy(item.units, "Charged") for item in charged]  # later refunds split the live items
    if plan:
        plan_type = next((p for p in merchant.plan_types if p.id == order.plan_type_id), None) if merchant else None
        document = Document(document_id, "PaymentPlan", now, snapshot, plan_type=plan_type)
    else:
        due_days = merchant.invoice_pricing.invoice_due_days if merchant else 14
        document = Document(document_id, "Invoice", now, snapshot, due=(now + timedelta(days=due_days)).date())
    order.documents.append(document)
    order.status = Status.ACTIVE
    order.touch()
    record_payout(state, key, order, kind="Charge", amount=sum((i.amount for i in charged), ZERO), doc=document.id)
