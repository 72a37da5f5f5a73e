"""Cancel, charge, refund and expiry: the order state machine and totals that always add up."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from ._orders import DENIED, MERCHANT_ID, PENDING, item, order
from .conftest import Api


def _create(api: Api, body: dict[str, Any]) -> dict[str, Any]:
    r = api("POST", "/orders", json=body)
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()
    return result


def _error(r: Any) -> tuple[int, int]:
    return r.status_code, r.json()["errorCode"]


def _assert_totals_add_up(result: dict[str, Any]) -> None:
    """chargedTotal = invoices' totals + plans' totals net of their fees = charged - refunded + corrections."""
    invoices = sum(i["totalAmount"] for i in result["invoices"])
    plans = sum(
        p["totalAmount"] - p["initialFee"] - p["lengthInMonths"] * p["notificationFee"] for p in result["paymentPlans"]
    )
    assert round(invoices + plans, 2) == result["chargedTotal"]
    documents = result["invoices"] + result["paymentPlans"]
    charged = sum(i["pricePerUnit"] * i["numberOfUnits"] for d in documents for i in d["orderItems"])
    refunds = sum(
        (1 if i["type"] == 5 else -1) * i["pricePerUnit"] * i["numberOfUnits"]
        for d in documents
        for i in d["refundedItems"]
    )
    assert round(charged + refunds, 2) == result["chargedTotal"]


@pytest.mark.parametrize("person", [PENDING, order("x")["customer"]["personId"]])
def test_pending_and_approved_orders_can_be_cancelled(api: Api, person: str) -> None:
    created = _create(api, order("A1", person))
    r = api("POST", f"/orders/{created['orderId']}/cancel", json={})
    assert (r.json()["status"], r.json()["statusCode"]) == ("Cancelled", "5")
    assert {i["status"] for i in r.json()["orderItems"]} == {"Cancelled"}
    assert _error(api("POST", f"/orders/{created['orderId']}/cancel", json={})) == (400, 20015)


def test_an_active_order_cannot_be_cancelled(api: Api) -> None:
    created = _create(api, order("A1"))
    api("POST", f"/orders/{created['orderId']}/charge", json={"fullDelivery": True})
    assert _error(api("POST", f"/orders/{created['orderId']}/cancel", json={})) == (400, 20015)


def test_charging_a_pending_order_is_20004(api: Api) -> None:
    created = _create(api, order("A1", PENDING))
    assert _error(api("POST", f"/orders/{created['orderId']}/charge", json={"fullDelivery": True})) == (400, 20004)


def test_charging_a_denied_order_is_20003(api: Api, mash: TestClient) -> None:
    api("POST", "/orders", json=order("A1", DENIED))
    order_id = mash.get(f"/_sim/client-orders/A1?merchantId={MERCHANT_ID}").json()["orderId"]
    assert _error(api("POST", f"/orders/{order_id}/charge", json={"fullDelivery": True})) == (400, 20003)


def test_charging_a_cancelled_order_is_20005(api: Api) -> None:
    created = _create(api, order("A1"))
    api("POST", f"/orders/{created['orderId']}/cancel")
    assert _error(api("POST", f"/orders/{created['orderId']}/charge", json={"fullDelivery": True})) == (400, 20005)


def test_charging_a_closed_order_is_20006(api: Api) -> None:
    created = _create(api, order("A1"))
    api("POST", f"/orders/{created['orderId']}/charge", json={"fullDelivery": True})
    closed = api("POST", f"/orders/{created['orderId']}/refunds", json={"fullRefund": True}).json()
    assert (closed["status"], closed["statusCode"]) == ("Closed", "6")
    assert _error(api("POST", f"/orders/{created['orderId']}/charge", json={"fullDelivery": True})) == (400, 20006)


def test_approved_orders_expire_after_30_simulated_days_20007(api: Api, mash: TestClient) -> None:
    kept, expiring = _create(api, order("A1")), _create(api, order("A2"))
    mash.post("/_sim/clock/advance", json={"days": 29, "seconds": 86399})
    assert api("POST", f"/orders/{kept['orderId']}/charge", json={"fullDelivery": True}).status_code == 200
    mash.post("/_sim/clock/advance", json={"seconds": 1})
    r = api("POST", f"/orders/{expiring['orderId']}/charge", json={"fullDelivery": True})
    assert _error(r) == (400, 20007)
    assert api("GET", f"/orders/{expiring['orderId']}").json()["status"] == "Closed"


def test_full_delivery_creates_an_invoice_and_activates(api: Api) -> None:
    created = _create(api, order("A1", orderItems=[item("A", 10, 2), item("B", 5.5, 1)]))
    r = api("POST", f"/orders/{created['orderId']}/charge", json={"fullDelivery": True}).json()
    assert (r["status"], r["statusCode"]) == ("Active", "4")
    assert r["chargedTotal"] == 25.5
    assert [len(r["invoices"]), len(r["paymentPlans"])] == [1, 0]
    assert r["invoices"][0]["totalAmount"] == 25.5
    assert {i["status"] for i in r["orderItems"]} == {"Charged"}
    _assert_totals_add_up(r)


def test_partial_deliveries_create_one_invoice_each_and_can_split_units(api: Api) -> None:
    created = _create(api, order("A1", orderItems=[item("A", 10, 4), item("B", 5, 1)]))
    url = f"/orders/{created['orderId']}/charge"
    first = api("POST", url, json={"orderItems": [{"articleId": "A", "type": 1, "numberOfUnits": 3}]}).json()
    assert first["status"] == "Active" and first["chargedTotal"] == 30
    assert sorted((i["articleId"], i["numberOfUnits"], i["status"]) for i in first["orderItems"]) == [
        ("A", 1, "Reserved"),
        ("A", 3, "Charged"),
        ("B", 1, "Reserved"),
    ]
    second = api("POST", url, json={"fullDelivery": True}).json()
    assert second["chargedTotal"] == 45 and len(second["invoices"]) == 2
    _assert_totals_add_up(second)
    assert _error(api("POST", url, json={"fullDelivery": True})) == (400, 20024)  # nothing left to charge


def test_charging_an_item_that_was_not_reserved_is_refused_and_changes_nothing(api: Api) -> None:
    created = _create(api, order("A1", orderItems=[item("A", 10, 4)]))
    url = f"/orders/{created['orderId']}/charge"
    wanted = [{"articleId": "A", "type": 1, "numberOfUnits": 1}, {"articleId": "Z", "type": 1}]
    assert _error(api("POST", url, json={"orderItems": wanted})) == (400, 20012)
    assert api("GET", f"/orders/{created['orderId']}").json() == created


def test_a_payment_plan_order_is_charged_into_a_payment_plan(api: Api) -> None:
    body = order("A1", paymentType="PaymentPlan", installmentCount=6, orderItems=[item(price=350.12, units=1)])
    created = _create(api, body)
    r = api("POST", f"/orders/{created['orderId']}/charge", json={"fullDelivery": True}).json()
    plan = r["paymentPlans"][0]
    assert (plan["lengthInMonths"], plan["monthlyAmount"], plan["totalAmount"]) == (6, 65.64, 393.82)
    assert r["invoices"] == [] and r["chargedTotal"] == 350.12
    _assert_totals_add_up(r)


def test_a_total_only_order_is_charged_with_the_items_up_to_the_reserved_total(api: Api) -> None:
    created = _create(api, order("A1", orderItems=None, totalItems=100))
    url = f"/orders/{created['orderId']}/charge"
    assert _error(api("POST", url, json={"fullDelivery": True})) == (400, 20008)
    assert _error(api("POST", url, json={"orderItems": [item("A", 60, 2)]})) == (400, 20012)
    r = api("POST", url, json={"orderItems": [item("A", 60, 1)]}).json()
    assert r["chargedTotal"] == 60 and r["orderItems"][0]["status"] == "Charged"


def test_a_total_only_plan_order_over_its_reservation_is_20013(api: Api) -> None:
    body = order("A1", orderItems=None, totalItems=100, paymentType="PaymentPlan", installmentCount=3)
    created = _create(api, body)
    r = api("POST", f"/orders/{created['orderId']}/charge", json={"orderItems": [item("A", 101, 1)]})
    assert _error(r) == (400, 20013)


def _charged(api: Api, items: list[dict[str, Any]]) -> str:
    created = _create(api, order("A1", orderItems=items))
    api("POST", f"/orders/{created['orderId']}/charge", json={"fullDelivery": True})
    return str(created["orderId"])


def test_refunds_need_an_active_or_closed_order_20014(api: Api) -> None:
    created = _create(api, order("A1"))
    r = api("POST", f"/orders/{created['orderId']}/refunds", json={"fullRefund": True})
    assert _error(r) == (400, 20014)


def test_refunds_match_by_article_id_and_type_then_by_description_and_type(api: Api) -> None:
    no_article = {**item("", 5, 1), "description": "Shipping", "type": 2}
    del no_article["articleId"]
    order_id = _charged(api, [item("A", 10, 2), no_article])
    url = f"/orders/{order_id}/refunds"
    wrong_type = api("POST", url, json={"orderItems": [{"articleId": "A", "type": 2}]})
    assert _error(wrong_type) == (400, 20014)  # non-matching items are ignored: nothing left to refund
    r = api(
        "POST",
        url,
        json={
            "orderItems": [{"articleId": "A", "type": 1, "numberOfUnits": 1}, {"description": "Shipping", "type": 2}]
        },
    ).json()
    assert r["chargedTotal"] == 10 and r["status"] == "Active"
    assert sorted((i.get("articleId", "-"), i["numberOfUnits"], i["status"]) for i in r["orderItems"]) == [
        ("-", 1, "Refunded"),
        ("A", 1, "Charged"),
        ("A", 1, "Refunded"),
    ]
    _assert_totals_add_up(r)


def test_corrections_are_signed_and_may_not_make_the_total_negative(api: Api) -> None:
    order_id = _charged(api, [item("A", 10, 2)])
    url = f"/orders/{order_id}/refunds"
    less = api("POST", url, json={"orderItems": [{"description": "Goodwill", "pricePerUnit": -5, "type": 5}]}).json()
    assert less["chargedTotal"] == 15
    more = api("POST", url, json={"orderItems": [{"description": "Late fee", "pricePerUnit": 2.5, "type": 5}]}).json()
    assert more["chargedTotal"] == 17.5
    _assert_totals_add_up(more)
    too_much = {"orderItems": [{"description": "Oops", "pricePerUnit": -100, "type": 5}]}
    assert _error(api("POST", url, json=too_much)) == (400, 20009)


def test_a_full_refund_closes_the_order(api: Api) -> None:
    order_id = _charged(api, [item("A", 10, 2), item("B", 1, 1)])
    r = api("POST", f"/orders/{order_id}/refunds", json={"fullRefund": True}).json()
    assert (r["status"], r["chargedTotal"]) == ("Closed", 0)
    assert {i["status"] for i in r["orderItems"]} == {"Refunded"}
    _assert_totals_add_up(r)
    assert _error(api("POST", f"/orders/{order_id}/refunds", json={"fullRefund": True})) == (400, 20014)


def test_refunds_can_target_one_invoice_by_reference_number(api: Api) -> None:
    created = _create(api, order("A1", orderItems=[item("A", 10, 1), item("B", 20, 1)]))
    url = f"/orders/{created['orderId']}"
    api("POST", url + "/charge", json={"orderItems": [{"articleId": "A", "type": 1}]})
    second = api("POST", url + "/charge", json={"orderItems": [{"articleId": "B", "type": 1}]}).json()
    first_invoice = str(second["invoices"][0]["id"])
    r = api("POST", url + "/refunds", json={"fullRefund": True, "referenceNumber": first_invoice}).json()
    assert r["chargedTotal"] == 20 and r["status"] == "Active"
    assert [i["totalAmount"] for i in r["invoices"]] == [0, 20]
    assert _error(api("POST", url + "/refunds", json={"fullRefund": True, "referenceNumber": "1"})) == (400, 20014)
