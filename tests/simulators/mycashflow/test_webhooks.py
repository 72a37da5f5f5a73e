"""Webhooks are delivered: a real receiver on a free port gets the message of an order or stock event, a
failed delivery is retried, deliveries are listed and redelivered, and mycashflow_sdk parses the message."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from mycashflow_sdk import WebhookError, parse_webhook
from simulators._serving import running_in_thread
from simulators._serving.spec import load_spec
from simulators._serving.validation import compile_operations
from simulators.mycashflow import create_app
from simulators.mycashflow.serve import SIMULATOR
from simulators.mycashflow.webhooks import V0_TOPICS, V1_TOPICS
from tests._asgi import read_body

from .conftest import AUTH


class Receiver:
    """A webhook endpoint: records every request (headers and body) and fails the first `failures` with 503."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.requests: list[dict[str, Any]] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        body = await read_body(receive)
        self.requests.append({"method": scope["method"], "path": scope["path"], "body": body,
                              "headers": {k.decode(): v.decode() for k, v in scope["headers"]}})  # fmt: skip
        status = 503 if len(self.requests) <= self.failures else 204
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})


def _wait(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for a webhook delivery"
        time.sleep(0.02)  # polling with a deadline for a delivery sent in the background


@pytest.fixture
def store() -> Iterator[httpx.Client]:
    with (
        running_in_thread(create_app(seed=0, products=10, https_only=False, control=True)) as root,
        httpx.Client(base_url=root, auth=AUTH, headers={"Accept": "application/json"}) as client,
    ):
        yield client


def _subscribe(store: httpx.Client, url: str, topic: str = "order.created") -> str:
    made = store.post("/api/v1/webhooks", json={"topic": topic, "url": url, "expands": ["payments"]})
    assert made.status_code == 201, made.text
    uuid: str = made.json()["data"]["uuid"]
    return uuid


def _order(store: httpx.Client) -> dict[str, Any]:
    body = {"shipping_method_id": 1, "payment_method_id": 3, "products": [{"product_code": "P0003", "quantity": 1}]}
    made = store.post("/api/v1/orders", json=body)
    assert made.status_code == 201, made.text
    order: dict[str, Any] = made.json()["data"]
    return order


def test_an_order_created_is_posted_to_the_subscriber_and_parsed_by_the_sdk(store: httpx.Client) -> None:
    receiver = Receiver()
    with running_in_thread(receiver) as hook:
        uuid = _subscribe(store, f"{hook}/hooks/orders")
        order = _order(store)
        _wait(lambda: len(receiver.requests) == 1)
    got = receiver.requests[0]
    assert (got["method"], got["path"], got["headers"]["content-type"]) == ("POST", "/hooks/orders", "application/json")
    message = parse_webhook(got["body"], expected_uuid=uuid, content_type=got["headers"]["content-type"])
    assert (message.topic, message.event) == ("order.created", "createOrder")
    assert message.order is not None and message.order.id == order["id"]
    assert message.data["payments"][0]["payment_method_id"] == 3  # the subscription's expands
    with pytest.raises(WebhookError, match="uuid"):
        parse_webhook(got["body"], expected_uuid="083c584d-ae65-11ec-aef4-0242ac130002")


def test_a_failed_delivery_is_retried_listed_and_redelivered(store: httpx.Client) -> None:
    receiver = Receiver(failures=1)
    with running_in_thread(receiver) as hook:
        _subscribe(store, f"{hook}/h")
        _order(store)
        _wait(lambda: len(receiver.requests) == 2)
        (delivery,) = store.get("/_sim/deliveries").json()["deliveries"]
        _wait(lambda: store.get("/_sim/deliveries").json()["deliveries"][0]["state"] == "delivered")
        delivery = store.get("/_sim/deliveries").json()["deliveries"][0]
        assert [a["status"] for a in delivery["attempts"]] == [503, 204]
        again = store.post(f"/_sim/deliveries/{delivery['id']}/redeliver")
        assert again.status_code == 202
        _wait(lambda: len(receiver.requests) == 3)
    assert receiver.requests[2]["body"] == receiver.requests[1]["body"]
    assert store.post("/_sim/deliveries/999/redeliver").status_code == 404


def test_a_reset_forgets_deliveries_and_stops_their_retries(store: httpx.Client) -> None:
    receiver = Receiver(failures=100)
    with running_in_thread(receiver) as hook:
        _subscribe(store, f"{hook}/h")
        _order(store)
        _wait(lambda: len(receiver.requests) == 1)  # the first attempt failed: a retry is due in 0.5 s
        assert store.post("/_sim/reset").status_code == 200
        assert store.get("/_sim/deliveries").json()["deliveries"] == []
        time.sleep(1.5)  # past the first two retries' backoff (0.5 s, 1 s): none of them may call
    assert len(receiver.requests) == 1


def test_v0_order_actions_and_stock_changes_send_their_topics(store: httpx.Client) -> None:
    receiver = Receiver()
    with running_in_thread(receiver) as hook:
        updated = _subscribe(store, f"{hook}/o", topic="order.updated")
        stock = _subscribe(store, f"{hook}/s", topic="stock.updated")
        order = _order(store)
        assert store.post(f"/api/v0/orders/{order['id']}/cancel").status_code == 200
        assert store.patch("/api/v1/stock/P0003", json={"quantity": 7}).status_code == 200
        _wait(lambda: len(receiver.requests) == 2)
    by_path = {r["path"]: r["body"] for r in receiver.requests}
    cancelled = parse_webhook(by_path["/o"], expected_uuid=updated)
    assert cancelled.event == "cancelOrder" and cancelled.order is not None and cancelled.order.status == "cancelled"
    changed = parse_webhook(by_path["/s"], expected_uuid=stock)
    assert changed.stock_item is not None and changed.data["quantity"] == 7


def test_a_subscription_outside_loopback_is_never_called(store: httpx.Client) -> None:
    _subscribe(store, "https://www.example.com/hook")
    _order(store)
    (delivery,) = store.get("/_sim/deliveries").json()["deliveries"]
    assert delivery["state"] == "refused" and "loopback" in delivery["attempts"][0]["error"]


@pytest.mark.parametrize(("api", "topics"), [("mycashflow", V1_TOPICS), ("mycashflow_v0", V0_TOPICS)])
def test_every_operation_that_sends_a_topic_exists_in_its_spec(api: str, topics: dict[str, str]) -> None:
    served = {operation.operation_id for operation in compile_operations(load_spec(api))}
    assert set(topics) <= served, sorted(set(topics) - served)


def test_the_contract_runs_simulator_records_deliveries_but_sends_none() -> None:
    """A fuzzer subscribes arbitrary loopback URLs: the contract app must not POST to what listens there."""
    assert SIMULATOR.contract_app is not None
    receiver = Receiver()
    with (
        running_in_thread(receiver) as hook_root,
        running_in_thread(SIMULATOR.contract_app(False)) as root,
        httpx.Client(base_url=root, auth=AUTH, headers={"Accept": "application/json"}) as store,
    ):
        _subscribe(store, f"{hook_root}/hook")
        _order(store)
        time.sleep(0.5)  # what a delivery would take on loopback (the other tests see one within milliseconds)
        (delivery,) = store.get("/_sim/deliveries").json()["deliveries"]
    assert receiver.requests == []
    assert delivery["state"] == "not sent" and "contract runs" in delivery["attempts"][0]["error"]
