"""The redirect flow's rules, in-process (test_redirect_browser.py drives the same page in Chromium)."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from ._orders import APPROVED, DENIED, MERCHANT_ID, PENDING, order
from .conftest import Api

OK, CANCEL = "https://shop.test/ok", "https://shop.test/cancel"


def _form(client_order_id: str = "A1", **fields: str) -> dict[str, Any]:
    return {
        "merchantId": str(MERCHANT_ID),
        "clientOrderId": client_order_id,
        "okUrl": OK,
        "cancelUrl": CANCEL,
        **fields,
    }


def test_the_documented_form_opens_the_page_with_ssn_for_testing_and_banks(api: Api, mash: TestClient) -> None:
    api("POST", "/orders", json=order("A1", PENDING))
    r = mash.post("/redirect", data=_form(ssn=PENDING, name="Teppo"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "SSN-for-testing" in r.text and f'value="{PENDING}"' in r.text and "Nordea" in r.text
    assert 'lang="fi"' in r.text  # the customer's locale


def test_choosing_a_bank_approves_and_redirects_303_to_ok_url(api: Api, mash: TestClient) -> None:
    created = api("POST", "/orders", json=order("A1", PENDING)).json()
    r = mash.post("/redirect/authenticate", data=_form(ssn=APPROVED, bank="OP"), follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, OK)
    assert api("GET", f"/orders/{created['orderId']}").json()["status"] == "Approved"


def test_a_denied_test_ssn_denies_the_order_and_still_returns_to_ok_url(api: Api, mash: TestClient) -> None:
    created = api("POST", "/orders", json=order("A1", PENDING)).json()
    r = mash.post("/redirect/authenticate", data=_form(ssn=DENIED, bank="OP"), follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, OK)
    assert api("GET", f"/orders/{created['orderId']}").json()["status"] == "Denied"


def test_cancel_goes_to_cancel_url_and_leaves_the_order_pending(api: Api, mash: TestClient) -> None:
    created = api("POST", "/orders", json=order("A1", PENDING)).json()
    r = mash.post("/redirect/cancel", data=_form(), follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, CANCEL)
    assert api("GET", f"/orders/{created['orderId']}").json()["status"] == "Pending"


def test_an_invalid_test_ssn_shows_the_page_again_with_an_error(api: Api, mash: TestClient) -> None:
    api("POST", "/orders", json=order("A1", PENDING))
    r = mash.post("/redirect/authenticate", data=_form(ssn="123", bank="OP"), follow_redirects=False)
    assert r.status_code == 400 and "10002" in r.text and "SSN-for-testing" in r.text


def test_unknown_or_not_pending_orders_and_bad_urls_get_an_error_page(api: Api, mash: TestClient) -> None:
    assert "20002" in mash.post("/redirect", data=_form("nope")).text
    api("POST", "/orders", json=order("A2", APPROVED))
    assert "20024" in mash.post("/redirect", data=_form("A2")).text
    api("POST", "/orders", json=order("A3", PENDING))
    bad = mash.post("/redirect", data={**_form("A3"), "okUrl": "javascript:alert(1)"})
    assert bad.status_code == 400 and "10002" in bad.text
