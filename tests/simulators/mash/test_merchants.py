"""POST /merchants and the payout report."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from ._orders import MERCHANT_ID, item, order
from .conftest import Api


def _register(api: Api, **fields: Any) -> dict[str, Any]:
    r = api("POST", "/merchants", json={"merchantInfo": {"name": "Kauppa Oy", "companyId": "1234567-8"}, **fields})
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()
    return result


def test_added_api_keys_work_at_once_for_the_new_merchant_only(api: Api) -> None:
    created = _register(api, addApiKeys=True)
    keys = (created["apiKeys"]["username"], created["apiKeys"]["password"])
    assert created["name"] == "Kauppa Oy"
    own = api("POST", "/orders", auth=keys, json=order("B1", merchantId=created["merchantId"]))
    assert own.status_code == 200, own.text
    theirs = api("POST", "/orders", auth=keys, json=order("B2", merchantId=MERCHANT_ID))
    assert (theirs.status_code, theirs.json()["errorCode"]) == (403, 10001)


def test_without_added_keys_the_providers_keys_act_for_the_new_merchant(api: Api) -> None:
    created = _register(api, addApiKeys=False)
    assert created["apiKeys"] is None and created["extranetUser"] is None
    r = api("POST", "/orders", json=order("B1", merchantId=created["merchantId"]))
    assert r.status_code == 200


def test_an_extranet_user_is_returned_when_asked_for(api: Api) -> None:
    created = _register(api, extranetUserEmail="owner@kauppa.test")
    assert created["extranetUser"]["username"] == "owner@kauppa.test"
    assert created["extranetUser"]["password"]


def test_the_payout_report_lists_charges_and_corrections_in_the_window(api: Api, mash: TestClient) -> None:
    start = mash.get("/_sim/clock").json()["now"]
    created = api("POST", "/orders", json=order("A1", orderItems=[item("A", 10, 2)])).json()
    url = f"/orders/{created['orderId']}"
    api("POST", url + "/charge", json={"fullDelivery": True})
    api("POST", url + "/refunds", json={"orderItems": [{"articleId": "A", "type": 1, "numberOfUnits": 1}]})
    api("POST", url + "/refunds", json={"orderItems": [{"description": "Fee", "pricePerUnit": 1.5, "type": 5}]})
    end = mash.post("/_sim/clock/advance", json={"seconds": 1}).json()["now"]
    report = api("GET", f"/merchants/{MERCHANT_ID}/report", params={"startTime": start, "endTime": end}).json()
    assert report["totalItemCount"] == 3
    assert [(i["payoutType"], i["amount"]) for i in report["items"]] == [
        ("Charge", 20),
        ("Correction", -10),
        ("Correction", 1.5),
    ]
    line = report["items"][0]
    assert (line["orderId"], line["clientOrderId"], line["customerName"]) == (
        int(created["orderId"]),
        "A1",
        "Teppo Testaaja",
    )
    assert line["orderReferenceNumber"].startswith("2100" + created["orderId"])
    later = api("GET", f"/merchants/{MERCHANT_ID}/report", params={"startTime": end, "endTime": end}).json()
    assert later == {"items": [], "totalItemCount": 0}


def test_the_report_of_another_merchant_is_403(api: Api) -> None:
    r = api(
        "GET", "/merchants/1/report", params={"startTime": "2020-10-26T00:00:00Z", "endTime": "2020-10-27T00:00:00Z"}
    )
    assert (r.status_code, r.json()["errorCode"]) == (403, 10001)


def test_a_report_window_that_ends_before_it_starts_is_10002(api: Api) -> None:
    params = {"startTime": "2020-10-27T00:00:00Z", "endTime": "2020-10-26T00:00:00Z"}
    r = api("GET", f"/merchants/{MERCHANT_ID}/report", params=params)
    assert (r.status_code, r.json()["errorCode"]) == (400, 10002)
