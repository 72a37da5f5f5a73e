"""The payout report: one line per charge (Charge) and per refund or correction item (Correction)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from .errors import Code, MashError
from .money import number
from .state import ApiKey, MashState, Order, PayoutEntry

__all__ = ["payout_report", "record_payout"]


def record_payout(state: MashState, key: ApiKey, order: Order, *, kind: str, amount: Decimal, doc: int | str) -> None:
    """Charge for a delivery; Correction for a refund (negative) or a correction item (signed)."""
    state.payouts.append(
        PayoutEntry(
            merchant_id=order.merchant_id,
            order_id=order.order_id,
            created=state.now(),
            payout_type=kind,
            amount=amount,
            document_id=doc,
            payout_reference=str(next(state.payout_refs)),
            username=key.username,
            client_order_id=order.client_order_id,
            client_customer_id=order.customer.get("clientCustomerId"),
            customer_name=order.customer.get("name"),
        )
    )


def payout_report(state: MashState, key: ApiKey, merchant_id: str, start_text: str, end_text: str) -> dict[str, Any]:
    """Lines with startTime <= created < endTime (half-open, so consecutive reports never count a line twice)."""
    wanted = int(merchant_id) if len(merchant_id) <= 18 else -1  # the pattern allows any number of digits
    if wanted not in key.merchant_ids:
        raise MashError(Code.UNAUTHORIZED, f"merchant {merchant_id} is not yours")
    start, end = _instant(start_text, "startTime"), _instant(end_text, "endTime")
    if end < start:
        raise MashError(Code.BAD_REQUEST, "endTime: is before startTime")
    items = [_line(e) for e in state.payouts if e.merchant_id == wanted and start <= e.created < end]
    return {"items": items, "totalItemCount": len(items)}


def _instant(text: str, name: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.upper())
    except ValueError as exc:  # RFC 3339 forms Python does not read, e.g. a leap second
        raise MashError(Code.BAD_REQUEST, f"query parameter {name}: {exc}") from exc
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _line(entry: PayoutEntry) -> dict[str, Any]:
    line: dict[str, Any] = {
        "orderId": int(entry.order_id),
        "created": entry.created.date().isoformat(),
        "payoutType": entry.payout_type,
        "amount": number(entry.amount),
        "orderReferenceNumber": reference_number(entry.order_id),
        "payoutReferenceNumber": entry.payout_reference,
        "username": entry.username,
        "clientOrderId": entry.client_order_id,
    }
    if entry.client_customer_id is not None:
        line["clientCustomerId"] = entry.client_customer_id
    if entry.customer_name is not None:
        line["customerName"] = entry.customer_name
    return line


def reference_number(order_id: str) -> str:
    """A Finnish bank reference (viitenumero): "2100" + order id + the 7-3-1 check digit."""
    base = "2100" + order_id
    weighted = sum(int(d) * (7, 3, 1)[i % 3] for i, d in enumerate(reversed(base)))
    return base + str((10 - weighted % 10) % 10)
