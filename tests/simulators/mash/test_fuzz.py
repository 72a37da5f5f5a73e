"""No input makes the simulator answer 500: arbitrary methods, paths, headers and bodies, in-process."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from simulators.mash import create_app

from ._orders import AUTH, BASE, MERCHANT_ID, basic, hetu

PROFILE = settings.get_profile(os.environ.get("SIMULATOR_HYPOTHESIS_PROFILE", "fast"))

_text = st.text(st.characters(codec="utf-8"), max_size=20)
_ascii = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40)
_numbers = st.one_of(
    st.integers(-(10**20), 10**20), st.floats(allow_nan=False, allow_infinity=False), st.sampled_from([0, -1, 0.005])
)
_json = st.recursive(
    st.none() | st.booleans() | _numbers | _text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_text, children, max_size=4),
    max_leaves=12,
)
_item = st.fixed_dictionaries(
    {},
    optional={
        "articleId": st.sampled_from(["A", "B", ""]) | _text,
        "description": _text,
        "pricePerUnit": _numbers,
        "numberOfUnits": _numbers,
        "vatPercent": _numbers,
        "type": st.integers(0, 6),
        "status": _text,
    },
)
_person = st.builds(hetu, st.integers(2, 999)) | _text
_order = st.fixed_dictionaries(
    {"clientOrderId": st.sampled_from(["A", "B"]) | _text},
    optional={
        "merchantId": st.sampled_from([MERCHANT_ID, 1]) | st.integers(-(2**63), 2**63 - 1),
        "customer": st.fixed_dictionaries(
            {"personId": _person},
            optional={"locale": st.sampled_from(["fi-FI", "sv-SE", "en"]) | _text, "mobile": _text, "email": _text},
        ),
        "paymentType": st.sampled_from(["Invoice", "PaymentPlan", "CreditAccount"]),
        "installmentCount": st.sampled_from([3, 6, 12, 24, None, 5]),
        "orderItems": st.none() | st.lists(_item, max_size=4),
        "totalItems": st.none() | _numbers,
    },
)
_action = st.fixed_dictionaries(
    {},
    optional={
        "fullDelivery": st.booleans(),
        "fullRefund": st.booleans(),
        "orderItems": st.lists(_item, max_size=3),
        "referenceNumber": st.none() | _text | st.just("12121221"),
    },
)
_paths = st.one_of(
    st.sampled_from(["/api/orders", "/api/pricing", "/api/personinfo", "/api/merchants", "/_sim/seed", "/redirect"]),
    st.builds(
        lambda order_id, tail: f"/api/orders/{order_id}{tail}",
        st.sampled_from(["1223435", "1223436", "0", "x"]) | _ascii,
        st.sampled_from(["", "/cancel", "/charge", "/refunds"]),
    ),
    st.builds(lambda m: f"/api/merchants/{m}/report", st.sampled_from([str(MERCHANT_ID), "9" * 30]) | _ascii),
    st.sampled_from(["/redirect/authenticate", "/redirect/cancel", "/_sim/clock/advance", "/_sim/orders/1223435"]),
    _ascii.map(lambda p: "/" + p),
)
_queries = st.dictionaries(
    st.sampled_from(["merchantId", "orderAmount", "personId", "startTime", "endTime", "x"]),
    st.sampled_from([str(MERCHANT_ID), "350.12", hetu(123), "2020-10-26T00:00:00Z", "2020-10-26t00:00:00z"]) | _ascii,
    max_size=4,
)
_headers = st.fixed_dictionaries(
    {},
    optional={
        "Accept": st.sampled_from(["application/json", "*/*", "text/html"]) | _ascii,
        "Content-Type": st.sampled_from(["application/json", "application/x-www-form-urlencoded"]) | _ascii,
        "Authorization": st.sampled_from([basic(*AUTH), "Basic", "Basic ===", basic("simulator", "")]) | _ascii,
    },
)
_bodies = st.one_of(
    _order.map(lambda body: ("json", body)),
    _action.map(lambda body: ("json", body)),
    _json.map(lambda body: ("json", body)),
    st.binary(max_size=64).map(lambda raw: ("raw", raw)),
    st.none().map(lambda _: ("none", None)),
)


@pytest.fixture(scope="module")
def fuzzed() -> Iterator[TestClient]:
    """One app for every example, so state built by earlier examples (orders, charges) is exercised too."""
    with TestClient(create_app(control=True), base_url=BASE) as client:
        for client_order_id, person in (("A", hetu(123)), ("B", hetu(257))):
            body = {
                "clientOrderId": client_order_id,
                "customer": {"personId": person},
                "paymentType": "Invoice",
                "orderItems": [{"articleId": "A", "pricePerUnit": 10, "numberOfUnits": 2, "type": 1}],
            }
            client.post("/api/orders", json=body, auth=AUTH, headers={"Accept": "application/json"})
        yield client


_requests = st.fixed_dictionaries(
    {
        "method": st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH"]),
        "path": _paths,
        "query": _queries,
        "headers": _headers,
        "body": _bodies,
    }
)


@settings(PROFILE, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(request=_requests)
def test_no_request_gets_a_500(fuzzed: TestClient, request: dict[str, Any]) -> None:
    kind, payload = request["body"]
    response = fuzzed.request(
        request["method"],
        request["path"],
        params=request["query"],
        headers=request["headers"],
        json=payload if kind == "json" else None,
        content=payload if kind == "raw" else None,
    )
    assert response.status_code < 500, response.text
