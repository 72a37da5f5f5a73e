"""Webhook messages: when an order or stock event happens, POST it to every subscription of its topic.

What the vendor documents (V7, support.mycashflow.com/en/notice/new-webhooks-api-will-replace-webhooks-extension,
and its Finnish twin /fi/tiedotteet/uusi-webhooks-api-korvaa-webhooks-laajennuksen): a subscription has a
`topic` (the example: `order.created`), `expands` (order expansions) and a `url`; the store then "sends a
message about the event" to that URL, and the subscription's `uuid` "will be used to validate the Webhooks
messages". Not documented [U], chosen here and listed in README.md: the other topic names (`order.updated`
for the v0 order actions; `stock.updated`), the message's shape
`{"uuid", "topic", "event", "created_at", "data"}` with `data` the order as `GET /orders/{id}` shows it with the
subscription's expands (or the stock item), and the absence of any signature header.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .._serving import Call, Operation, Reply
from .._serving.webhooks import Outbox
from .resources import Resource
from .rules import Rules
from .state import StoreState
from .views import parse_expand, render

__all__ = ["V0_TOPICS", "V1_TOPICS", "webhook_observer"]

V1_TOPICS = {"createOrder": "order.created", "updateStockItem": "stock.updated"}
V0_TOPICS = dict.fromkeys(
    ("cancelOrder", "quickProcessOrder", "completeOrderShipment", "markOrderPaymentPaid", "markOrderPaymentUnpaid",
     "markOrderPaymentCancelled", "activateOrderPayment"),
    "order.updated",
)  # fmt: skip


def webhook_observer(
    state: StoreState,
    resources: Mapping[str, Resource],
    rules: Mapping[str, Rules],
    outbox: Outbox,
    topics: Mapping[str, str],
) -> Callable[[Operation, Call, Reply], None]:
    """The ApiBinding.observe of one API version: a 2xx of a topic's operation sends that topic's messages."""

    def observe(operation: Operation, call: Call, reply: Reply) -> None:
        topic = topics.get(operation.operation_id)
        if topic is None:
            return
        subscriptions = [s for s in state.table("webhooks").values() if s.get("topic") == topic]
        if not subscriptions:
            return
        payload = reply[1]
        data = payload.get("data") if isinstance(payload, dict) else None
        order = None
        if topic.startswith("order."):
            key = call.path_params.get("orderID") or call.path_params.get("id")
            if key is None and isinstance(data, dict):
                key = data.get("id")
            order = state.table("orders").get(int(key)) if key is not None and str(key).isdigit() else None
            if order is None:
                return
        for subscription in subscriptions:
            shown: Any = data
            if order is not None:
                expand = parse_expand(subscription.get("expands") or ())
                shown = render(state, resources["orders"], rules["orders"], order, expand)
            message = {
                "uuid": subscription["uuid"], "topic": topic, "event": operation.operation_id,
                "created_at": state.now(), "data": shown,
            }  # fmt: skip
            outbox.send(topic, subscription["url"], message)

    return observe
