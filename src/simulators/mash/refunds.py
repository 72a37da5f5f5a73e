"""Refund order: refund charged items at their original price, or add signed Correction items (type 5)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .errors import Code, MashError
from .items import ALL_UNITS, read_items
from .money import ZERO, cents
from .orders import order_for, split
from .payouts import record_payout
from .state import ApiKey, Document, Item, MashState, Order, Status

__all__ = ["CORRECTION", "refund_order"]

CORRECTION = 5


def refund_order(state: MashState, key: ApiKey, order_id: str, body: dict[str, Any]) -> Order:
    """Only Active/Closed orders, only charged items (20014); no document may end up negative (20009)."""
    order = order_for(state, key, order_id)
    locale = order.locale
    if order.status not in (Status.ACTIVE, Status.CLOSED) or not order.documents:
        raise MashError(Code.REFUND_NOT_POSSIBLE, f"order is {order.status.value}", locale)
    target = _target(order, body.get("referenceNumber"))
    charged = [i for i in order.items if i.status == "Charged" and (target is None or i.document_id == target.id)]
    picks, corrections = _selection(body, charged, locale)
    documents = {doc.id: doc for doc in order.documents}
    correction_doc = target or order.documents[-1]
    change = dict.fromkeys(documents, ZERO)
    for item, units in picks:
        change[item.document_id or correction_doc.id] -= cents(item.price * units)
    for item in corrections:
        change[correction_doc.id] += item.amount
    balances = _full_refund_balances([target] if target else order.documents, change) if body.get("fullRefund") else []
    if not picks and not corrections and not balances:
        raise MashError(Code.REFUND_NOT_POSSIBLE, "no charged item matches and no Correction item given", locale)
    if any(documents[doc_id].net + delta < 0 for doc_id, delta in change.items()):
        raise MashError(Code.NEGATIVE_TOTAL, "the refund would make a charged total negative", locale)

    for item, units in picks:
        part = split(order, item, units)
        part.status = "Refunded"
        documents[part.document_id or correction_doc.id].refunded.append(part.copy(part.units, "Refunded"))
    for item in corrections:
        item.status, item.document_id = ("Charged" if item.price > 0 else "Refunded"), correction_doc.id
        correction_doc.refunded.append(item)
    refunded = sum((cents(part.price * units) for part, units in picks), ZERO)
    if refunded:
        record_payout(state, key, order, kind="Correction", amount=-refunded, doc=correction_doc.id)
    for item in corrections:
        record_payout(state, key, order, kind="Correction", amount=item.amount, doc=correction_doc.id)
    for doc, item in balances:
        item.status, item.document_id = ("Charged" if item.price > 0 else "Refunded"), doc.id
        doc.refunded.append(item)
        record_payout(state, key, order, kind="Correction", amount=item.amount, doc=doc.id)
    if not any(item.status in ("Charged", "Reserved") for item in order.items):
        order.status = Status.CLOSED
    order.touch()
    return order


def _full_refund_balances(covered: list[Document], change: dict[int | str, Decimal]) -> list[tuple[Document, Item]]:
    """fullRefund: "Refund all items in the order", earlier Correction items included.

    Refunding every charged item at its original price leaves a document at the sum of its earlier
    corrections (-30 after a -30 correction: 20009 before this rule, and the order could never close).
    What is left is balanced by one Correction item per document, so each covered document ends at 0 and
    the customer gets back exactly what they paid. `change` is updated with the balances.
    """
    balances = []
    for doc in covered:
        rest = doc.net + change[doc.id]
        if rest:
            balances.append((doc, Item(None, "fullRefund", -rest, Decimal(1), None, CORRECTION)))
            change[doc.id] -= rest
    return balances


def _target(order: Order, reference: object) -> Document | None:
    if not reference:
        return None
    for doc in order.documents:
        if str(doc.id) == reference:
            return doc
    raise MashError(Code.REFUND_NOT_POSSIBLE, f"referenceNumber {reference}: no such invoice or plan", order.locale)


def _selection(
    body: dict[str, Any], charged: list[Item], locale: str | None
) -> tuple[list[tuple[Item, Decimal]], list[Item]]:
    """(charged item, units) to refund, and the Correction items; other non-matching items are ignored (doc)."""
    if body.get("fullRefund"):
        return [(item, item.units) for item in charged], []
    picks: list[tuple[Item, Decimal]] = []
    corrections: list[Item] = []
    for want in read_items(body.get("orderItems"), "orderItems", locale, selecting=True):
        if want.type == CORRECTION:
            if want.price == 0:
                raise MashError(Code.BAD_REQUEST, "orderItems: a Correction item needs a pricePerUnit", locale)
            want.units = Decimal(1) if want.units is ALL_UNITS else want.units
            corrections.append(want)
            continue
        found = next((i for i in charged if i.matches(want) and all(i is not p for p, _ in picks)), None)
        if found is not None:
            picks.append((found, found.units if want.units is ALL_UNITS else min(want.units, found.units)))
    return picks, corrections
