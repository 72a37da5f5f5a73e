"""Read an incoming MyCashflow webhook message: check that it is for your subscription, parse it into types.

The vendor documents no signature (no HMAC header, no shared secret): its webhooks notice says only that the
subscription's `uuid`, returned by `POST /api/v1/webhooks`, "will be used to validate the Webhooks messages
sent by the API" (support.mycashflow.com/en/notice/new-webhooks-api-will-replace-webhooks-extension; the
Finnish notice says the same). `parse_webhook` therefore validates the message's `uuid` against the one you
saved, in constant time. The message shape (`uuid`, `topic`, `event`, `created_at`, `data`) is the one the
simulator sends (src/simulators/mycashflow/webhooks.py), an assumption until the vendor publishes one.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mycashflow_client.models import Order, StockItem

__all__ = ["MAX_WEBHOOK_BYTES", "WebhookError", "WebhookMessage", "parse_webhook"]

MAX_WEBHOOK_BYTES = 1 << 20
"""A larger body is refused before it is parsed: a webhook endpoint is open to the internet."""


class WebhookError(ValueError):
    """The request is not a webhook message for the expected subscription (names what is wrong)."""


@dataclass(frozen=True)
class WebhookMessage:
    """One message: `order` for `order.*` topics, `stock_item` for `stock.*`; `data` is always the raw object."""

    uuid: str
    topic: str
    event: str | None
    created_at: str | None
    data: Mapping[str, Any]
    order: Order | None = None
    stock_item: StockItem | None = None


def parse_webhook(body: bytes | str, *, expected_uuid: str, content_type: str | None = None) -> WebhookMessage:
    """Validate (the subscription uuid, compared in constant time) and parse a webhook request body.

    Raises WebhookError for a body that is too large, not JSON, not a message, or for another subscription.
    """
    raw = body.encode() if isinstance(body, str) else body
    if len(raw) > MAX_WEBHOOK_BYTES:
        raise WebhookError(f"webhook body is larger than {MAX_WEBHOOK_BYTES} bytes")
    if content_type is not None and not content_type.lower().startswith("application/json"):
        raise WebhookError(f"webhook Content-Type must be application/json, got {content_type[:60]!r}")
    try:
        message = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise WebhookError(f"webhook body is not JSON: {exc}") from None
    if not isinstance(message, dict):
        raise WebhookError("webhook body must be a JSON object")
    uuid, topic, data = message.get("uuid"), message.get("topic"), message.get("data")
    if not isinstance(uuid, str) or not hmac.compare_digest(uuid.encode(), expected_uuid.encode()):
        raise WebhookError("webhook uuid does not match the subscription's uuid")
    if not isinstance(topic, str) or not isinstance(data, dict):
        raise WebhookError("webhook message needs a string 'topic' and an object 'data'")
    order = Order.from_dict(data) if topic.startswith("order.") else None
    stock = StockItem.from_dict(data) if topic.startswith("stock.") else None
    event, created = message.get("event"), message.get("created_at")
    return WebhookMessage(
        uuid=uuid, topic=topic, event=event if isinstance(event, str) else None,
        created_at=created if isinstance(created, str) else None, data=data, order=order, stock_item=stock,
    )  # fmt: skip
