"""GET /pricing: plan types per merchant, and the doc's calculation example to the cent."""

from __future__ import annotations

from ._orders import MERCHANT_ID
from .conftest import Api


def test_without_an_amount_every_plan_type_is_listed_without_calculation(api: Api) -> None:
    body = api("GET", f"/pricing?merchantId={MERCHANT_ID}").json()
    assert body["invoice"] == {"invoicingFee": "3.95", "invoiceDue": "14"}
    assert [p["installmentCount"] for p in body["paymentPlans"]] == [3, 6, 12, 24]
    assert {p["calculation"] for p in body["paymentPlans"]} == {None}


def test_the_docs_example_is_reproduced_to_the_cent(api: Api) -> None:
    body = api("GET", f"/pricing?merchantId={MERCHANT_ID}&orderAmount=350.12").json()
    six = next(p for p in body["paymentPlans"] if p["installmentCount"] == 6)
    assert six["id"] == "4587"
    assert six["calculation"] == {
        "orderAmount": 350.12,
        "installmentAmount": 65.64,
        "totalAmount": 393.82,
        "initialFee": 20,
        "notificationFee": 3.95,
    }


def test_with_an_amount_only_the_applicable_plan_types_are_listed(api: Api) -> None:
    def counts(amount: str) -> list[int]:
        plans = api("GET", f"/pricing?merchantId={MERCHANT_ID}&orderAmount={amount}").json()["paymentPlans"]
        return [p["installmentCount"] for p in plans]

    assert counts("9.99") == []
    assert counts("10") == [3]
    assert counts("100") == [3, 6, 12]
    assert counts("2000") == [3, 6, 12, 24]
    assert counts("2000.01") == []
