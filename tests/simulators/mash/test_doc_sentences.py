"""Rules the vendors state in their own words (issue 15, Mash half): each test cites its sentence."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from ._orders import APPROVED, DENIED, MERCHANT_ID, hetu, item, order
from .conftest import Api


def _error(r: Any) -> tuple[int, int]:
    return r.status_code, r.json()["errorCode"]


def _charged(api: Api, body: dict[str, Any]) -> str:
    created = api("POST", "/orders", json=body).json()
    assert api("POST", f"/orders/{created['orderId']}/charge", json={"fullDelivery": True}).status_code == 200
    return str(created["orderId"])


# --- 1. Create order: "Resulting order status can be Approved, Pending or Denied." --------------------------


def test_a_denied_credit_decision_is_answered_with_the_denied_order(api: Api, mash: TestClient) -> None:
    r = api("POST", "/orders", json=order("A1", DENIED))
    assert r.status_code == 200, r.text
    denied = r.json()
    assert (denied["status"], denied["statusCode"]) == ("Denied", "3")
    assert api("GET", f"/orders/{denied['orderId']}").json() == denied  # the id the caller got finds it
    stored = mash.get(f"/_sim/client-orders/A1?merchantId={MERCHANT_ID}").json()
    assert stored["orderId"] == denied["orderId"]
    assert _error(api("POST", f"/orders/{denied['orderId']}/charge", json={"fullDelivery": True})) == (400, 20003)
    assert _error(api("POST", "/orders", json=order("A1", APPROVED))) == (400, 20001)  # its clientOrderId is taken


# --- 3. Refund order: fullRefund "Refund all items in the order"; matching "articleId+type (if not available,
#        description+type)" -------------------------------------------------------------------------------------


def _correction(amount: float) -> dict[str, Any]:
    return {"description": "Hyvitys", "pricePerUnit": amount, "numberOfUnits": 1, "type": 5}


@pytest.mark.parametrize("amount", [-30, 10])
def test_a_full_refund_after_a_correction_refunds_everything_and_closes(api: Api, amount: float) -> None:
    order_id = _charged(api, order("A1"))  # 617.25
    corrected = api("POST", f"/orders/{order_id}/refunds", json={"orderItems": [_correction(amount)]}).json()
    assert corrected["chargedTotal"] == pytest.approx(617.25 + amount)
    r = api("POST", f"/orders/{order_id}/refunds", json={"fullRefund": True})
    assert r.status_code == 200, r.text
    closed = r.json()
    assert (closed["status"], closed["chargedTotal"]) == ("Closed", 0)
    assert closed["invoices"][0]["totalAmount"] == 0
    assert {i["status"] for i in closed["orderItems"]} == {"Refunded"}


def test_the_payout_report_nets_a_full_refund_after_a_correction_to_zero(api: Api) -> None:
    order_id = _charged(api, order("A1"))
    api("POST", f"/orders/{order_id}/refunds", json={"orderItems": [_correction(-30)]})
    api("POST", f"/orders/{order_id}/refunds", json={"fullRefund": True})
    report = api("GET", f"/merchants/{MERCHANT_ID}/report?startTime=2000-01-01T00:00:00Z&endTime=2100-01-01T00:00:00Z")
    assert sum(line["amount"] for line in report.json()["items"]) == pytest.approx(0)


def test_a_refund_item_without_article_id_matches_by_description_and_type(api: Api) -> None:
    order_id = _charged(api, order("A1", orderItems=[item("D1", price=10, units=2), item("D2", price=5, units=1)]))
    r = api("POST", f"/orders/{order_id}/refunds", json={"orderItems": [{"description": "Tuote D1", "type": 1}]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["chargedTotal"] == 5
    assert {i["articleId"]: i["status"] for i in body["orderItems"]} == {"D1": "Refunded", "D2": "Charged"}


def test_a_charge_item_without_article_id_matches_by_description_and_type(api: Api) -> None:
    created = api("POST", "/orders", json=order("A1", orderItems=[item("D1", price=10, units=2)])).json()
    charge = {"orderItems": [{"description": "Tuote D1", "type": 1}]}
    r = api("POST", f"/orders/{created['orderId']}/charge", json=charge)
    assert r.status_code == 200, r.text
    assert r.json()["orderItems"][0]["status"] == "Charged"


def test_an_article_id_that_differs_is_not_matched_by_description(api: Api) -> None:
    order_id = _charged(api, order("A1", orderItems=[item("D1", price=10, units=2)]))
    wrong = {"orderItems": [{"articleId": "OTHER", "description": "Tuote D1", "type": 1}]}
    assert _error(api("POST", f"/orders/{order_id}/refunds", json=wrong)) == (400, 20014)


# --- 4. General > Responses: localizedMessage "is translated based on the locale sent with the order" -------


@pytest.mark.parametrize(
    ("locale", "text"),
    [("fi-FI", "Virheellisesti muotoiltu pyyntö"), ("sv-SE", "Felaktigt formaterad begäran")],
)
@pytest.mark.parametrize(
    "change",
    [
        {"clientOrderId": None},  # a rule of the simulator (clientOrderId is required)
        {"orderItems": "five"},  # a schema failure of the serving core
        {"customer": {"personId": "010771-257X"}},  # a formally invalid HETU
    ],
    ids=["rule", "schema", "identity"],
)
def test_the_localized_message_is_entirely_in_the_customers_language(
    api: Api, locale: str, text: str, change: dict[str, Any]
) -> None:
    body = order("A1", **change)
    body["customer"] = {**body["customer"], "locale": locale}
    if change.get("clientOrderId", "") is None:
        del body["clientOrderId"]
    r = api("POST", "/orders", json=body)
    assert _error(r) == (400, 10002)
    assert r.json()["localizedMessage"] == text
    assert r.json()["message"].startswith("Badly formatted request: ")  # the English detail stays in message


def test_an_english_or_missing_locale_gets_the_english_message_as_localized_message(api: Api) -> None:
    body = order("A1")
    del body["clientOrderId"]
    body["customer"] = {k: v for k, v in body["customer"].items() if k != "locale"}
    r = api("POST", "/orders", json=body).json()
    assert r["localizedMessage"] == r["message"]


# --- 5. support.mycashflow.com/en/user-guide/mash: "The social security number and phone number are matched
#        together in Mash's system. The same social security number cannot be used with multiple phone numbers."


def _customer(person: str, mobile: str | None) -> dict[str, Any]:
    customer = {"personId": person, "name": "Teppo Testaaja", "locale": "fi-FI"}
    return customer if mobile is None else {**customer, "mobile": mobile}


def test_the_same_ssn_with_another_phone_number_is_20017(api: Api) -> None:
    person = hetu(123)
    assert api("POST", "/orders", json=order("A1", customer=_customer(person, "+358401111111"))).status_code == 200
    r = api("POST", "/orders", json=order("A2", customer=_customer(person, "+358402222222")))
    assert _error(r) == (400, 20017)
    assert r.json()["localizedMessage"] == "Puhelinnumero on jo käytössä"


def test_the_same_ssn_with_the_same_phone_number_or_none_is_accepted(api: Api) -> None:
    person = hetu(123)
    assert api("POST", "/orders", json=order("A1", customer=_customer(person, "+358401111111"))).status_code == 200
    assert api("POST", "/orders", json=order("A2", customer=_customer(person, "+358 40 111 1111"))).status_code == 200
    assert api("POST", "/orders", json=order("A3", customer=_customer(person, None))).status_code == 200


def test_a_refused_order_does_not_bind_the_ssn_to_its_phone_number(api: Api) -> None:
    person = hetu(987)  # scoring fails (20020): nothing is stored, so nothing is matched
    assert _error(api("POST", "/orders", json=order("A1", customer=_customer(person, "+358401111111")))) == (
        400,
        20020,
    )
    other = hetu(123, birth="020280")
    assert api("POST", "/orders", json=order("A2", customer=_customer(other, "+358401111111"))).status_code == 200
