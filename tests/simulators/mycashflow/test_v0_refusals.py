"""Activation errors and archived orders on the v0 order API (issue 15): what the sources say, simulated.

- Activation errors: T2's quick-process option `ignore_payment_activation_errors` ("Use this option, if the
  order has a Klarna payment that has been processed in Klarna Online"); Klarna's own merchant help: activating
  fails once the payment was activated in Klarna's portal or its reservation has expired. The refusal is 500,
  T3's gloss of the status ("interrupted by an error in MyCashflow or an external service"). The world event
  (a payment handled in Klarna's portal) is a control endpoint: `POST /_sim/payments/{id}/activation-refused`.
- Archived orders (V10): no changes to their payment transactions, and they cannot be cancelled.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from simulators.mycashflow import create_app

from .conftest import AUTH, BASE, Api, make_api

KLARNA, INVOICE = 2, 3  # seeded payment methods


@pytest.fixture
def store() -> TestClient:
    return TestClient(create_app(seed=0, products=30, control=True), base_url=BASE)


@pytest.fixture
def v1(store: TestClient) -> Api:
    return make_api(store)


@pytest.fixture
def v0(store: TestClient) -> Api:
    def call(method: str, path: str, **kwargs: Any) -> httpx.Response:
        kwargs.setdefault("auth", AUTH)
        response: httpx.Response = store.request(method, "/api/v0" + path, **kwargs)
        return response

    return call


def _order(v1: Api, method: int) -> tuple[dict[str, Any], dict[str, Any]]:
    rows = [{"product_code": "P0003", "quantity": 1}]
    body = {"shipping_method_id": 1, "payment_method_id": method, "products": rows}
    order = v1("POST", "/orders", json=body).json()["data"]
    payment = v1("GET", f"/orders/{order['id']}?expand=payments").json()["data"]["payments"][0]
    return order, payment


def _full(api: Api, order_id: int) -> dict[str, Any]:
    data: dict[str, Any] = api("GET", f"/orders/{order_id}?expand=products,shipments,payments,events").json()["data"]
    return data


def test_activating_a_payment_klarna_refuses_is_a_500_and_changes_nothing(store: TestClient, v0: Api, v1: Api) -> None:
    order, payment = _order(v1, KLARNA)
    assert store.post(f"/_sim/payments/{payment['id']}/activation-refused").status_code == 200
    before = _full(v1, order["id"])
    response = v0("POST", f"/orders/{order['id']}/payments/{payment['id']}/activate")
    assert response.status_code == 500, response.text
    assert response.json()["errors"]["payments"]  # the documented errors element names what failed
    after = _full(v1, order["id"])
    assert [p["status"] for p in after["payments"]] == ["PENDING_ACTIVATION"]
    assert after["events"] == before["events"] and after["updated_at"] == before["updated_at"]


def test_quick_process_fails_on_an_activation_error_unless_told_to_ignore_it(
    store: TestClient, v0: Api, v1: Api
) -> None:
    order, payment = _order(v1, KLARNA)
    store.post(f"/_sim/payments/{payment['id']}/activation-refused")
    path = f"/orders/{order['id']}/quick-process"
    failed = v0("POST", path, json={"ignore_payment_activation_errors": False})
    assert failed.status_code == 500 and "payments" in failed.json()["errors"]
    assert _full(v1, order["id"])["status"] == "open"  # nothing was processed
    done = v0("POST", path, json={"ignore_payment_activation_errors": True})
    assert done.status_code == 200 and done.json()["data"]["status"] == "completed"
    full = _full(v1, order["id"])
    assert [s["status"] for s in full["shipments"]] == ["COMPLETED"]
    assert [p["status"] for p in full["payments"]] == ["PENDING_ACTIVATION"]  # not activated here (a choice)
    assert "payment.activation_failed" in [e["code"] for e in full["events"]]


def test_only_a_klarna_payment_waiting_for_activation_can_be_refused(store: TestClient, v1: Api) -> None:
    _, payment = _order(v1, INVOICE)
    assert store.post(f"/_sim/payments/{payment['id']}/activation-refused").status_code == 400
    assert store.post("/_sim/payments/999999/activation-refused").status_code == 404
    assert store.post(f"/_sim/payments/{payment['id']}/no-such-event").status_code == 404


def test_an_archived_order_keeps_its_payments_and_cannot_be_cancelled(v0: Api, v1: Api) -> None:
    archived = v0("GET", "/orders", params={"archived_at-from": "2000-01-01T00:00:00", "page_size": 200}).json()
    assert archived["meta"]["item_count"] > 0
    for order in archived["data"][:5]:
        assert order["status"] == "completed" and order["archived_at"]  # V10: cancelled orders are never archived
        full = _full(v0, order["id"])
        refused = v0("POST", f"/orders/{order['id']}/cancel")
        assert refused.status_code == 409 and refused.json()["errors"]["status"]
        for payment in full["payments"]:
            for action in ("mark-as-unpaid", "mark-as-paid", "mark-as-cancelled", "activate"):
                response = v0("POST", f"/orders/{order['id']}/payments/{payment['id']}/{action}")
                assert response.status_code == 409, (action, response.text)
        assert _full(v0, order["id"]) == full
    cancelled = v0("GET", "/orders", params={"status": "cancelled", "page_size": 200}).json()["data"]
    assert cancelled and not any(order["archived_at"] for order in cancelled)
