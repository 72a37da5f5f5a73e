"""The v0 order API on the v1 store (issue 15): reads, actions, documented transitions, stock and events."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from simulators.mycashflow import create_app

from .conftest import AUTH, BASE, Api, make_api

KLARNA, COD, INVOICE = 2, 5, 3  # seeded payment methods (providers klarna, cash_on_delivery, invoice)


@pytest.fixture
def store() -> TestClient:
    return TestClient(create_app(seed=0, products=30), base_url=BASE)


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


def _order(v1: Api, payment_method_id: int | None = INVOICE, quantity: int = 2) -> dict[str, Any]:
    body: dict[str, Any] = {"shipping_method_id": 1, "products": [{"product_code": "P0003", "quantity": quantity}]}
    if payment_method_id is not None:
        body["payment_method_id"] = payment_method_id
    response = v1("POST", "/orders", json=body)
    assert response.status_code == 201, response.text
    order: dict[str, Any] = response.json()["data"]
    return order


def _stock(v1: Api) -> dict[str, Any]:
    item: dict[str, Any] = v1("GET", "/stock/P0003").json()["data"]
    return item


def _full(api: Api, order_id: int) -> dict[str, Any]:
    expand = "products,shipments,payments,events,comments,tax_summary"
    data: dict[str, Any] = api("GET", f"/orders/{order_id}?expand={expand}").json()["data"]
    return data


def test_orders_are_read_under_v0_as_the_fivetran_connector_reads_them(v0: Api, v1: Api) -> None:
    # T1 orders/main.py: page_size=100, sort=updated_at-asc, updated_at-from with an offset, every expansion
    params = {
        "page_size": 100,
        "sort": "updated_at-asc",
        "expand": "products,shipments,tax_summary,events,comments,payments",
        "updated_at-from": "2025-01-01T00:00:00+02:00",
    }
    response = v0("GET", "/orders", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["meta"]["item_count"] == 150 and body["meta"]["next"].startswith("/api/v0/orders?")
    stamps = [order["updated_at"] for order in body["data"]]
    assert stamps == sorted(stamps) and all("products" in order and "tax_summary" in order for order in body["data"])
    assert v0("GET", "/orders?status=open&page_size=200").json()["meta"]["item_count"] == 30
    one = body["data"][0]["id"]
    assert _full(v0, one) == _full(v1, one)  # one store, one view


def test_only_the_order_api_and_campaigns_of_v0_are_simulated(v0: Api) -> None:
    assert v0("GET", "/campaigns").status_code == 200
    assert v0("GET", "/products").status_code == 404
    assert v0("GET", "/customers").status_code == 404


def test_cancel_releases_the_reservation_cancels_open_payments_and_logs_it(v0: Api, v1: Api) -> None:
    before = _stock(v1)
    order = _order(v1)
    assert _stock(v1)["reserved"] == before["reserved"] + 2
    response = v0("POST", f"/orders/{order['id']}/cancel")
    assert response.status_code == 200, response.text
    assert (response.json()["data"]["status"], response.json()["data"]["total"]) == ("cancelled", 0)  # V11
    after = _stock(v1)
    assert (after["reserved"], after["quantity"]) == (before["reserved"], before["quantity"])
    full = _full(v1, order["id"])
    assert [p["status"] for p in full["payments"]] == ["CANCELLED"]
    assert full["events"][-1]["code"] == "order.cancelled"
    again = v0("POST", f"/orders/{order['id']}/cancel")
    assert again.status_code == 409 and "status" in again.json()["errors"]  # a refused transition: 409


def test_completing_the_shipment_consumes_stock_and_completes_the_order(v0: Api, v1: Api) -> None:
    before = _stock(v1)
    order = _order(v1)
    shipments = v0("GET", f"/orders/{order['id']}/shipments").json()["data"]
    assert [s["status"] for s in shipments] == ["OPEN"]
    path = f"/orders/{order['id']}/shipments/{shipments[0]['id']}"
    assert v0("GET", path).json()["data"] == shipments[0]
    done = v0("POST", path + "/complete")
    assert done.status_code == 200 and done.json()["data"]["status"] == "COMPLETED"
    after = _stock(v1)
    assert (after["quantity"], after["reserved"]) == (before["quantity"] - 2, before["reserved"])
    assert after["balance"] == after["quantity"] - after["reserved"]
    change = v1("GET", f"/stock-changes?stock_item_id={after['id']}&sort=id-desc&page_size=1").json()["data"][0]
    assert (change["quantity_change"], change["source_type"], change["source_id"]) == (-2, "order", order["id"])
    full = _full(v0, order["id"])
    assert full["status"] == "completed" and all(row["delivered_at"] for row in full["products"])
    assert [e["code"] for e in full["events"]][-2:] == ["shipment.completed", "order.completed"]
    assert v0("POST", path + "/complete").status_code == 409
    completed = v0("GET", "/orders", params={"shipments_completed_at-from": full["updated_at"]}).json()["data"]
    assert order["id"] in [o["id"] for o in completed]


def test_quick_process_pays_ships_and_completes_in_one_call(v0: Api, v1: Api) -> None:
    before = _stock(v1)
    order = _order(v1)
    body = {"tracking_code": "JJFI000123", "send_emails": True}
    response = v0("POST", f"/orders/{order['id']}/quick-process", json=body)
    assert response.status_code == 200, response.text
    full = _full(v1, order["id"])
    assert full["status"] == "completed"
    assert [(s["status"], s["tracking_code"]) for s in full["shipments"]] == [("COMPLETED", "JJFI000123")]
    assert [(p["status"], p["is_paid"]) for p in full["payments"]] == [("PAID", True)]
    assert full["events"][-1]["code"] == "email.shipping_confirmation"
    assert _stock(v1)["quantity"] == before["quantity"] - 2
    assert v0("POST", f"/orders/{order['id']}/quick-process", json={}).status_code == 409


def test_quick_process_needs_exactly_one_payment(v0: Api, v1: Api) -> None:
    order = _order(v1, payment_method_id=None)
    response = v0("POST", f"/orders/{order['id']}/quick-process")
    assert response.status_code == 409 and "payments" in response.json()["errors"]
    assert _full(v1, order["id"])["status"] == "open"


def test_an_open_cash_on_delivery_payment_needs_the_allow_flag(v0: Api, v1: Api) -> None:
    order = _order(v1, payment_method_id=COD)
    refused = v0("POST", f"/orders/{order['id']}/quick-process", json={"allow_open_cash_on_delivery_payments": False})
    assert refused.status_code == 409 and "allow_open_cash_on_delivery_payments" in refused.json()["errors"]
    allowed = v0("POST", f"/orders/{order['id']}/quick-process", json={"allow_open_cash_on_delivery_payments": True})
    assert allowed.status_code == 200 and allowed.json()["data"]["status"] == "completed"
    assert [p["status"] for p in _full(v1, order["id"])["payments"]] == ["OPEN"]  # paid on delivery


def test_payments_move_only_along_documented_transitions(v0: Api, v1: Api) -> None:
    order = _order(v1)
    payment = _full(v1, order["id"])["payments"][0]
    path = f"/orders/{order['id']}/payments/{payment['id']}"
    assert v0("GET", path).json()["data"]["status"] == "OPEN"
    assert v0("POST", path + "/activate").status_code == 409  # only PENDING_ACTIVATION (Klarna)
    assert v0("POST", path + "/mark-as-unpaid").status_code == 409
    paid = v0("POST", path + "/mark-as-paid").json()["data"]
    assert (paid["status"], paid["is_paid"]) == ("PAID", True)
    assert v0("POST", path + "/mark-as-paid").status_code == 409
    assert v0("POST", path + "/mark-as-cancelled").status_code == 409  # cancelled only before activation
    assert v0("POST", path + "/mark-as-unpaid").json()["data"]["status"] == "OPEN"
    assert v0("POST", path + "/mark-as-cancelled").json()["data"]["status"] == "CANCELLED"
    refused = v0("POST", path + "/mark-as-paid")
    assert refused.status_code == 409 and refused.json()["errors"]["status"]
    codes = [e["code"] for e in _full(v1, order["id"])["events"]]
    assert codes[-3:] == ["payment.paid", "payment.unpaid", "payment.cancelled"]


def test_a_klarna_payment_waits_for_activation(v0: Api, v1: Api) -> None:
    order = _order(v1, payment_method_id=KLARNA)
    payment = _full(v1, order["id"])["payments"][0]
    assert payment["status"] == "PENDING_ACTIVATION"
    path = f"/orders/{order['id']}/payments/{payment['id']}"
    assert v0("POST", path + "/mark-as-paid").status_code == 409
    assert v0("POST", path + "/activate").json()["data"]["status"] == "PAID"


def test_a_shipment_or_payment_of_another_order_is_not_found(v0: Api, v1: Api) -> None:
    first, second = _order(v1), _order(v1)
    shipment = _full(v1, first["id"])["shipments"][0]
    response = v0("GET", f"/orders/{second['id']}/shipments/{shipment['id']}")
    assert response.status_code == 404 and list(response.json()["errors"]) == ["shipmentID"]
    assert v0("POST", "/orders/999999/cancel").status_code == 404
    payment = _full(v1, first["id"])["payments"][0]
    assert v0("POST", f"/orders/{second['id']}/payments/{payment['id']}/mark-as-paid").status_code == 404
