"""The simulator serves exactly the patched spec's operations, under /api, and judges requests by it."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from simulators.mash import create_app
from specforge.openapi import METHODS
from specforge.patched import load_patched as load_spec

from ._orders import AUTH, BASE, JSON, basic, order
from .conftest import Api

SPEC = load_spec("mash").document
OPERATIONS = sorted((path, method) for path, item in SPEC["paths"].items() for method in item if method in METHODS)


def _url(path: str) -> str:
    return "/api" + re.sub(r"\{[^}]+\}", "1223435", path)


def test_the_spec_has_the_nine_documented_operations() -> None:
    assert len(OPERATIONS) == 9


@pytest.mark.parametrize(("path", "method"), OPERATIONS)
def test_every_operation_of_the_spec_is_served(mash: TestClient, path: str, method: str) -> None:
    r = mash.request(method.upper(), _url(path), auth=AUTH, headers=JSON)
    assert r.status_code not in (404, 405), r.text
    assert r.headers["content-type"] == "application/json"


@pytest.mark.parametrize("path", sorted(SPEC["paths"]))
def test_methods_the_spec_does_not_list_are_405(mash: TestClient, path: str) -> None:
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        if method.lower() in SPEC["paths"][path]:
            continue
        r = mash.request(method, _url(path), auth=AUTH, headers=JSON)
        assert (r.status_code, r.json()["errorCode"]) == (405, 10002)
        # RFC 9110 §15.5.6; found missing by the contract tests (schemathesis' unsupported_method check)
        assert r.headers["allow"] == ", ".join(sorted(m.upper() for m in SPEC["paths"][path] if m != "parameters"))


@pytest.mark.parametrize("url", ["/api/orders/1/ship", "/api/merchants/1", "/api", "/api/pricing/x"])
def test_paths_outside_the_spec_are_404_with_the_error_body(mash: TestClient, url: str) -> None:
    r = mash.get(url, auth=AUTH, headers=JSON)
    assert (r.status_code, r.json()["errorCode"]) == (404, 10002)


def test_operations_are_not_served_outside_the_base_path(mash: TestClient) -> None:
    """Production URLs are https://fi.mash.com/api/…, so the simulator serves /api/… and not /…."""
    assert mash.get("/orders/1223435", auth=AUTH, headers=JSON).status_code == 404


def test_control_endpoints_exist_only_when_enabled() -> None:
    with TestClient(create_app(), base_url=BASE) as plain:
        assert plain.post("/_sim/reset").status_code == 404
        assert plain.get("/_sim/clock").status_code == 404


@pytest.mark.parametrize(
    "auth",
    [None, ("simulator", "wrong"), ("nobody", "simulator-password")],
    ids=["missing", "wrong-password", "unknown-user"],
)
def test_missing_or_wrong_keys_are_401_10000(mash: TestClient, auth: tuple[str, str] | None) -> None:
    r = mash.get("/api/orders/1223435", auth=auth, headers=JSON)
    assert (r.status_code, r.json()["errorCode"]) == (401, 10000)


@pytest.mark.parametrize("header", ["Bearer abc", "Basic !!!", "Basic " + "dXNlcg==", "Basic"])
def test_malformed_authorization_headers_are_401(mash: TestClient, header: str) -> None:
    r = mash.get("/api/orders/1223435", headers={**JSON, "Authorization": header})
    assert (r.status_code, r.json()["errorCode"]) == (401, 10000)


def test_malformed_json_is_10002(api: Api) -> None:
    r = api("POST", "/orders", content=b"{not json", headers={"Content-Type": "application/json"})
    assert (r.status_code, r.json()["errorCode"]) == (400, 10002)
    assert "not valid JSON" in r.json()["message"]


def test_a_schema_violation_is_10002_naming_the_field(api: Api) -> None:
    r = api("POST", "/orders", json=order("A1", installmentCount=5, paymentType="PaymentPlan"))
    assert (r.status_code, r.json()["errorCode"]) == (400, 10002)
    assert "installmentCount" in r.json()["message"]


def test_a_wrong_query_parameter_is_10002_naming_it(api: Api) -> None:
    r = api("GET", "/pricing?merchantId=abc")
    assert (r.status_code, r.json()["errorCode"]) == (400, 10002)
    assert "merchantId" in r.json()["message"]


def test_a_missing_accept_header_is_10002(mash: TestClient) -> None:
    request = mash.build_request("GET", "/api/orders/1223435", headers={"Authorization": basic(*AUTH)})
    del request.headers["Accept"]
    r = mash.send(request)
    assert (r.status_code, r.json()["errorCode"]) == (400, 10002)
    assert "Accept" in r.json()["message"]


def test_an_accept_header_without_json_is_10002(api: Api) -> None:
    r = api("GET", "/orders/1223435", headers={"Accept": "text/html"})
    assert (r.status_code, r.json()["errorCode"]) == (400, 10002)


def test_a_missing_content_type_is_10002(api: Api) -> None:
    r = api("POST", "/orders", content=b'{"clientOrderId": "A1"}')
    assert (r.status_code, r.json()["errorCode"]) == (400, 10002)
    assert "Content-Type" in r.json()["message"]


def test_a_required_body_that_is_missing_is_10002(api: Api) -> None:
    r = api("POST", "/orders", headers={"Content-Type": "application/json"})
    assert (r.status_code, r.json()["errorCode"]) == (400, 10002)


def test_cancel_takes_no_body_as_its_body_is_optional(api: Api) -> None:
    created = api("POST", "/orders", json=order("A1")).json()
    r = api("POST", f"/orders/{created['orderId']}/cancel")
    assert (r.status_code, r.json()["status"]) == (200, "Cancelled")


@pytest.mark.parametrize(
    ("locale", "localized"),
    [
        ("fi-FI", "Laskun kokonaissummaa ei voitu hyväksyä"),
        ("sv-SE", "Fakturans totalbelopp kunde inte godkännas"),
        ("en-GB", "Invoice total amount could not be authorized"),
        (None, "Invoice total amount could not be authorized"),
    ],
)
def test_errors_are_localized_in_the_customers_locale(api: Api, locale: str | None, localized: str) -> None:
    body = order("A1")
    body["customer"]["locale"] = locale
    if locale is None:
        del body["customer"]["locale"]
    created = api("POST", "/orders", json=body).json()
    r = api("POST", f"/orders/{created['orderId']}/charge", json={"orderItems": [{"articleId": "nope"}]})
    assert r.json()["errorCode"] == 20012
    assert r.json()["message"].startswith("Invoice total amount could not be authorized")
    assert r.json()["localizedMessage"].startswith(localized)


def test_errors_without_an_order_fall_back_to_english(api: Api) -> None:
    body = api("GET", "/orders/999").json()
    assert body == {
        "errorCode": 20002,
        "message": "Order does not exist: orderId 999",
        "localizedMessage": body["message"],
    }


def test_validation_errors_use_the_locale_of_the_body(api: Api) -> None:
    body = order("A1", customer={"personId": "nope", "locale": "sv-SE"})
    r = api("POST", "/orders", json=body)
    assert r.json()["localizedMessage"].startswith("Felaktigt formaterad begäran")
