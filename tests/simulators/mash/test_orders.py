"""POST /orders decides and validates; GET /orders/{id}; GET /personinfo (v1.2 "Error codes" table)."""

from __future__ import annotations

from typing import Any

import pytest

from ._orders import APPROVED, LIMITED, PENDING, SCORING_FAILS, hetu, item, order
from .conftest import Api


def _error(r: Any) -> tuple[int, int]:
    return r.status_code, r.json()["errorCode"]


@pytest.mark.parametrize(("person", "status", "code"), [(APPROVED, "Approved", "2"), (PENDING, "Pending", "1")])
def test_create_decides_by_the_test_identity(api: Api, person: str, status: str, code: str) -> None:
    r = api("POST", "/orders", json=order("A1", person))
    assert r.status_code == 200
    body = r.json()
    assert (body["status"], body["statusCode"]) == (status, code)
    assert body["customer"]["personId"] == person[:7] + "****"
    assert body["totalItems"] == 617.25 and body["chargedTotal"] == 0
    assert body["orderItems"][0]["status"] == "Reserved"
    assert api("GET", f"/orders/{body['orderId']}").json() == body


def test_the_credit_limit_band_gets_20026_above_500(api: Api) -> None:
    assert _error(api("POST", "/orders", json=order("A1", LIMITED))) == (400, 20026)  # 617.25 €
    small = order("A1", LIMITED, orderItems=[item(price=100, units=5)])
    assert api("POST", "/orders", json=small).json()["status"] == "Approved"  # nothing was stored by the 20026


def test_the_scoring_failure_band_gets_20020(api: Api) -> None:
    assert _error(api("POST", "/orders", json=order("A1", SCORING_FAILS))) == (400, 20020)


def test_a_formally_invalid_person_id_is_10002(api: Api) -> None:
    r = api("POST", "/orders", json=order("A1", "010771-257X"))
    assert _error(r) == (400, 10002)
    assert "customer.personId" in r.json()["message"]


def test_a_duplicate_client_order_id_is_20001_per_merchant(api: Api) -> None:
    assert api("POST", "/orders", json=order("A1")).status_code == 200
    assert _error(api("POST", "/orders", json=order("A1"))) == (400, 20001)
    assert api("POST", "/orders", json=order("A2")).status_code == 200


def test_neither_items_nor_total_is_20008(api: Api) -> None:
    assert _error(api("POST", "/orders", json=order("A1", orderItems=None))) == (400, 20008)
    assert _error(api("POST", "/orders", json=order("A1", orderItems=[]))) == (400, 20008)


def test_total_items_alone_reserves_the_amount(api: Api) -> None:
    body = order("A1", orderItems=None, totalItems=250)
    assert api("POST", "/orders", json=body).json()["totalItems"] == 250


def test_a_negative_total_is_20009(api: Api) -> None:
    body = order("A1", orderItems=[item("A", 10, 1), item("B", -20, 1, kind=4)])
    assert _error(api("POST", "/orders", json=body)) == (400, 20009)
    assert _error(api("POST", "/orders", json=order("A2", orderItems=None, totalItems=-1))) == (400, 20009)


def test_a_duplicate_article_id_is_20019(api: Api) -> None:
    assert _error(api("POST", "/orders", json=order("A1", orderItems=[item("X"), item("X")]))) == (400, 20019)


def test_payment_plan_without_installment_count_is_20016(api: Api) -> None:
    assert _error(api("POST", "/orders", json=order("A1", paymentType="PaymentPlan"))) == (400, 20016)


@pytest.mark.parametrize(
    ("price", "count", "code"),
    [(9.99, 3, 20022), (2000.01, 3, 20023), (100, 24, 20021), (20, 6, 20021)],
)
def test_plan_amount_rules(api: Api, price: float, count: int, code: int) -> None:
    body = order("A1", paymentType="PaymentPlan", installmentCount=count, orderItems=[item(price=price, units=1)])
    assert _error(api("POST", "/orders", json=body)) == (400, code)


def test_a_plan_within_its_range_is_created_with_its_type(api: Api) -> None:
    body = order("A1", paymentType="PaymentPlan", installmentCount=6, orderItems=[item(price=350.12, units=1)])
    r = api("POST", "/orders", json=body).json()
    assert (r["paymentType"], r["paymentPlanTypeId"]) == ("PaymentPlan", "4587")


def test_credit_account_is_not_offered_20010(api: Api) -> None:
    assert _error(api("POST", "/orders", json=order("A1", paymentType="CreditAccount"))) == (400, 20010)


def test_installment_count_with_invoice_is_20011(api: Api) -> None:
    assert _error(api("POST", "/orders", json=order("A1", installmentCount=3))) == (400, 20011)


def test_a_phone_number_of_another_person_is_20017(api: Api) -> None:
    first = order("A1")
    first["customer"]["mobile"] = "+358 40 111 1111"
    assert api("POST", "/orders", json=first).status_code == 200
    same_person = order("A2")
    same_person["customer"]["mobile"] = "+358401111111"
    assert api("POST", "/orders", json=same_person).status_code == 200
    other = order("A3", hetu(124))
    other["customer"]["mobile"] = "+358401111111"
    assert _error(api("POST", "/orders", json=other)) == (400, 20017)


def test_an_email_of_another_person_is_20018(api: Api) -> None:
    first = order("A1")
    first["customer"]["email"] = "Teppo@example.com"
    assert api("POST", "/orders", json=first).status_code == 200
    other = order("A2", hetu(124))
    other["customer"]["email"] = "teppo@example.com"
    assert _error(api("POST", "/orders", json=other)) == (400, 20018)


def test_an_unknown_order_is_20002(api: Api) -> None:
    assert _error(api("GET", "/orders/42")) == (400, 20002)


def test_another_merchants_merchant_id_is_403_10001(api: Api) -> None:
    assert _error(api("POST", "/orders", json=order("A1", merchantId=1))) == (403, 10001)
    assert _error(api("GET", "/pricing?merchantId=1")) == (403, 10001)


def test_another_merchants_order_is_403_10001(api: Api, mash: Any) -> None:
    mash.post("/_sim/seed", json={"merchants": [{"merchantId": 77, "username": "other", "password": "pw"}]})
    created = api("POST", "/orders", json=order("A1")).json()
    for method, path in [("GET", ""), ("POST", "/cancel"), ("POST", "/charge"), ("POST", "/refunds")]:
        r = api(method, f"/orders/{created['orderId']}{path}", auth=("other", "pw"), json={})
        assert _error(r) == (403, 10001), (method, path)


def test_person_info_gives_name_and_official_address_masked(api: Api) -> None:
    r = api("GET", f"/personinfo?personId={APPROVED}")
    body = r.json()
    assert r.status_code == 200
    assert body["personId"] == APPROVED[:7] + "****"
    assert body["name"] and body["officialAddress"]["country"] == "FI"
    assert api("GET", f"/personinfo?personId={APPROVED}").json() == body  # deterministic


def test_person_info_of_an_invalid_id_is_10002(api: Api) -> None:
    # 1980001010101, just as invalid, is the document's own example: test_doc_examples.py shows it answered.
    assert _error(api("GET", "/personinfo?personId=1980001010102")) == (400, 10002)


def test_the_invoicing_address_is_the_official_one(api: Api) -> None:
    created = api("POST", "/orders", json=order("A1")).json()
    assert created["invoicingAddress"] == api("GET", f"/personinfo?personId={APPROVED}").json()["officialAddress"]
