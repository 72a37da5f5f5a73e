"""Hostile values in a request: integers too long for Python's int(), odd digits, deep nesting, huge amounts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from simulators.mash import DEFAULT_MERCHANT
from simulators.mash import create_app as mash_app
from simulators.mycashflow import DEFAULT_USER
from simulators.mycashflow import create_app as mycashflow_app

JSON = {"Accept": "application/json"}
HUGE = "9" * 5000  # beyond sys.get_int_max_str_digits() (4300): int(HUGE) raises ValueError
ODD_DIGITS = "\u00b2\u0663"  # "²٣": str.isdigit() says True, int() refuses "²"


@pytest.fixture(scope="module")
def store() -> Iterator[TestClient]:
    app = mycashflow_app(seed=0, products=20, control=True)
    with TestClient(app, base_url="https://example-store.mycashflow.fi", raise_server_exceptions=False) as client:
        client.auth = (DEFAULT_USER.email, DEFAULT_USER.api_key)
        yield client


@pytest.fixture(scope="module")
def mash() -> Iterator[TestClient]:
    with TestClient(mash_app(control=True), base_url="http://mash.test", raise_server_exceptions=False) as client:
        client.auth = (DEFAULT_MERCHANT.username, DEFAULT_MERCHANT.password)
        yield client


@pytest.mark.parametrize(
    "query",
    [f"page={HUGE}", f"page_size={HUGE}", f"page=-{HUGE}", f"id={HUGE}", f"id=1,{HUGE}", f"id={ODD_DIGITS}"],
)
def test_mycashflow_huge_or_odd_integers_in_the_query_are_422(store: TestClient, query: str) -> None:
    response = store.get(f"/api/v1/products?{query}", headers=JSON)
    assert response.status_code == 422, response.text[:300]
    assert response.json()["errors"]


@pytest.mark.parametrize(
    ("path", "methods"),
    [
        (f"/api/v1/products/{HUGE}", ("GET", "PATCH", "DELETE")),
        (f"/api/v1/orders/{HUGE}", ("GET",)),
        (f"/api/v1/products/{ODD_DIGITS}", ("GET", "PATCH", "DELETE")),
    ],
)
def test_mycashflow_huge_or_odd_integers_in_the_path_are_404(store: TestClient, path: str, methods: tuple[str]) -> None:
    for method in methods:
        response = store.request(method, path, headers=JSON, json={} if method == "PATCH" else None)
        assert response.status_code == 404, (method, response.text[:300])
        assert response.json()["errors"]


@pytest.mark.parametrize("key", [HUGE, ODD_DIGITS])
def test_mycashflow_control_inspect_with_a_huge_id_is_404(store: TestClient, key: str) -> None:
    assert store.get(f"/_sim/products/{key}").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        f"merchantId={HUGE}",
        f"merchantId={DEFAULT_MERCHANT.merchant_id}&orderAmount={HUGE}",
        f"merchantId={DEFAULT_MERCHANT.merchant_id}&orderAmount={HUGE}.99",
        f"merchantId={ODD_DIGITS}",
    ],
)
def test_mash_huge_integers_in_the_query_are_answered_not_a_500(mash: TestClient, query: str) -> None:
    response = mash.get(f"/api/pricing?{query}", headers=JSON)
    if response.status_code == 200:  # an amount no plan covers: pricing with no payment plans
        assert response.json()["paymentPlans"] == []
    else:
        assert response.status_code in (400, 403), response.text[:300]
        assert response.json()["errorCode"] in (10001, 10002)


@pytest.mark.parametrize("merchant", [HUGE, ODD_DIGITS])
def test_mash_control_inspect_with_a_huge_merchant_is_not_a_500(mash: TestClient, merchant: str) -> None:
    assert mash.get(f"/_sim/client-orders/x?merchantId={merchant}").status_code == 404


@pytest.mark.parametrize("path", [f"/api/orders/{HUGE}", f"/api/orders/{HUGE}/cancel"])
def test_mash_huge_order_ids_in_the_path_are_not_a_500(mash: TestClient, path: str) -> None:
    response = mash.request("GET" if path.endswith(HUGE) else "POST", path, headers=JSON)
    assert response.status_code in (400, 404), response.text[:300]


@pytest.mark.parametrize("depth", [65, 300, 2000, 100_000])
def test_deeply_nested_json_bodies_are_400_not_a_crash(mash: TestClient, store: TestClient, depth: int) -> None:
    """Beyond MAX_JSON_DEPTH (64) levels the API's own 400, never a RecursionError or a 500."""
    body = b"[" * depth + b"]" * depth
    answer = mash.post("/api/orders", content=body, headers={**JSON, "Content-Type": "application/json"})
    assert (answer.status_code, answer.json()["errorCode"]) == (400, 10002)
    answer = store.post("/api/v1/products", content=body, headers={**JSON, "Content-Type": "application/json"})
    assert answer.status_code == 400
    assert answer.json()["errors"]


@pytest.mark.parametrize("depth", [300, 1000])
def test_deep_values_orjson_parses_are_refused_before_the_validator(store: TestClient, depth: int) -> None:
    """orjson parses up to 1,024 levels; jsonschema-rs cannot render an error beyond ~255 (was a 500)."""
    body = '{"name": ' + '{"a": ' * depth + '"x"' + "}" * (depth + 1)
    answer = store.post("/api/v1/products", content=body, headers={**JSON, "Content-Type": "application/json"})
    assert answer.status_code == 400, answer.text[:300]
    assert "64 levels" in answer.text


def test_nesting_up_to_the_limit_is_judged_by_the_schema(store: TestClient) -> None:
    body = '{"name": ' + '{"a": ' * 62 + '"x"' + "}" * 63  # 63 levels
    answer = store.post("/api/v1/products", content=body, headers={**JSON, "Content-Type": "application/json"})
    assert answer.status_code == 422, answer.text[:300]
    assert "name" in answer.json()["errors"]
