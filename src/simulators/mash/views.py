"""OrderResult JSON as the doc's examples show it: personId masked, amounts as numbers, totals that add up."""

from __future__ import annotations

from typing import Any

import orjson

from .money import number
from .state import Document, Item, Order

__all__ = ["item_json", "order_bytes", "order_json"]


def order_bytes(order: Order) -> bytes:
    """The encoded OrderResult, cached on the order until it changes (GET is the hot path of a load test)."""
    if order.cached is None:
        order.cached = orjson.dumps(order_json(order))
    return order.cached


def order_json(order: Order) -> dict[str, Any]:
    return {
        "orderId": order.order_id,
        "clientOrderId": order.client_order_id,
        "orderPlaced": order.order_placed,
        "status": order.status.value,
        "statusCode": order.status.code,
        "paymentType": order.payment_type,
        "paymentPlanTypeId": order.plan_type_id,
        "customer": {**order.customer, "personId": order.identity.masked},
        "deliveryAddress": order.delivery_address,
        "invoicingAddress": order.invoicing_address,
        "orderItems": [item_json(item) for item in order.items],
        "totalItems": number(order.reserved_total),
        "chargedTotal": number(order.charged_total),
        "invoices": [_invoice(doc) for doc in order.documents if doc.kind == "Invoice"],
        "paymentPlans": [_plan(doc) for doc in order.documents if doc.kind == "PaymentPlan"],
    }


def item_json(item: Item) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if item.article_id is not None:
        data["articleId"] = item.article_id
    if item.description is not None:
        data["description"] = item.description
    data["pricePerUnit"] = number(item.price)
    data["numberOfUnits"] = number(item.units)
    if item.vat is not None:
        data["vatPercent"] = number(item.vat)
    data["type"] = item.type
    data["status"] = item.status
    return data


def _invoice(doc: Document) -> dict[str, Any]:
    net = number(doc.net)
    return {
        "id": doc.id,
        "duedate": (doc.due or doc.created.date()).isoformat(),
        "invoicedate": doc.created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "totalAmount": net,  # the invoicing fee of "Get pricing" is not part of the order's totals
        "minimumAmount": net,  # the doc is silent on partial payment: an invoice is paid in full
        "orderItems": [item_json(item) for item in doc.items],
        "refundedItems": [item_json(item) for item in doc.refunded],
    }


def _plan(doc: Document) -> dict[str, Any]:
    items = [item_json(item) for item in doc.items]
    data: dict[str, Any] = {
        "id": str(doc.id),
        "orderItems": items,
        "chargedItems": items,
        "refundedItems": [item_json(item) for item in doc.refunded],
    }
    if doc.plan_type is not None:  # totalAmount = net + initial fee + n x notification fee, as in "Get pricing"
        calculation = doc.plan_type.calculate(doc.net)
        data |= {
            "lengthInMonths": doc.plan_type.installment_count,
            "monthlyAmount": number(calculation.installment_amount),
            "initialFee": number(calculation.initial_fee),
            "notificationFee": number(calculation.notification_fee),
            "totalAmount": number(calculation.total_amount),
        }
    return data
