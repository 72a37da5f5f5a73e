"""The six ways real servers broke the clients (issue 14), each over `httpx.MockTransport` and against the
API's simulator in-process, its genuine answer reshaped the way the vendor's documents show.

1. Mash's own Pricing example sends `paymentPlans` as one object, not a list.
2. A date-time where the Mash spec says `date` (`Invoice.duedate`, `PayoutReportItem.created`).
3. MyCashflow `stock_item: null` / `brand: null` in a product list (third-party clients test them for falsiness).
4. A MyCashflow create answering with another 2xx than the documented one (the vendor says "200 OK").
5. An error whose body is empty, HTML or plain text (JSON is promised only "provided that the requested
   resource was found").
6. A Mash 2xx whose body is an error (`{"errorCode": 20002, ...}`).
"""

from __future__ import annotations

import contextlib
import datetime
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from mash_client.api.orders_and_invoicing import charge_order, create_order, get_order, get_pricing
from mash_client.api.registrations_and_reports import get_payout_report
from mash_client.models import ChargeOrderRequest, CreateOrderRequest
from mash_client.types import Deviation, deviations_of
from mycashflow_client.api.brands import create_brand
from mycashflow_client.api.products import get_product, list_products
from mycashflow_client.models import BrandInput, ProductExpand
from mycashflow_client.types import Deviation as McfDeviation
from mycashflow_client.types import Unset
from mycashflow_client.types import deviations_of as mcf_deviations_of
from starlette.testclient import TestClient

import simulators.mash
from mash_sdk import MashError, OrderNotFoundError
from mycashflow_sdk import NotFoundError
from sdk_runtime import BaseClient, DeviationError, RetryPolicy
from simulators.registry import load as load_simulator
from specforge import _yaml
from specforge.apis import load_apis
from specforge.clients import load_object, operation_module

Reshape = Callable[[httpx.Request, int, Any], tuple[int, Any]]
"""(request, status, decoded JSON body) → the (status, body) the client receives; a `bytes` body is sent as is."""

APIS = load_apis()
SDK_APIS = sorted(name for name, api in APIS.items() if api.sdk is not None)
MERCHANT = simulators.mash.DEFAULT_MERCHANT
ITEM = {
    "articleId": "A-1",
    "description": "Tuote",
    "pricePerUnit": 10.0,
    "numberOfUnits": 1,
    "vatPercent": 24,
    "type": 1,
}


def _raw_example(pointer: list[str]) -> Any:
    """An example from the vendor's own document (the raw spec, before overlays)."""
    node: Any = _yaml.load(APIS["mash"].spec_path)
    for key in pointer:
        node = node[key]
    return node


def _answer(status: int, body: Any) -> httpx.Response:
    if isinstance(body, bytes):
        return httpx.Response(status, content=body, headers={"Content-Type": "text/html"} if body else {})
    return httpx.Response(status, json=body)


def _client(api: str, transport: httpx.BaseTransport, **options: Any) -> BaseClient:
    """The API's SDK client (its `sdk` binding) with its simulator's user, at its default base URL, no retries."""
    binding = APIS[api].sdk
    assert binding is not None, f"codegen/apis.yaml gives {api} no SDK client"
    username, password = load_simulator(api).credentials
    client: BaseClient = load_object(binding.client)(
        **binding.build_arguments(username, password), transport=transport, retry=RetryPolicy.disabled(), **options
    )
    return client


@contextlib.contextmanager
def simulated(api: str, reshape: Reshape, **options: Any) -> Iterator[BaseClient]:
    """The SDK client against the API's simulator in-process; each answer passes through `reshape`.

    The simulator is its contract app (`simulator` binding): a state that is the same at every start.
    """
    contract_app = load_simulator(api).contract_app
    assert contract_app is not None, f"{api}'s simulator has no contract app"
    with TestClient(contract_app(True)) as server:

        def handle(request: httpx.Request) -> httpx.Response:
            genuine = server.send(request)
            try:
                body = genuine.json()
            except ValueError:
                body = genuine.content
            status, body = reshape(request, genuine.status_code, body)
            return _answer(status, body)

        yield _client(api, httpx.MockTransport(handle), **options)


def mocked(api: str, status: int, body: Any, **options: Any) -> BaseClient:
    return _client(api, httpx.MockTransport(lambda request: _answer(status, body)), **options)


def unchanged(request: httpx.Request, status: int, body: Any) -> tuple[int, Any]:
    return status, body


# 1. paymentPlans as one object ------------------------------------------------------------------------


PRICING_EXAMPLE = ["paths", "/pricing", "get", "responses", "200", "content", "application/json", "examples"]


def _one_plan(request: httpx.Request, status: int, body: Any) -> tuple[int, Any]:
    if request.url.path.endswith("/pricing"):
        body = {**body, "paymentPlans": body["paymentPlans"][0]}
    return status, body


def _check_pricing(client: BaseClient) -> None:
    pricing = get_pricing.sync(client=client, merchant_id=MERCHANT.merchant_id)
    assert isinstance(pricing.payment_plans, list) and len(pricing.payment_plans) == 1
    assert pricing.payment_plans[0].id
    assert deviations_of(pricing) == (Deviation("/paymentPlans", "array", "object"),)
    detailed = get_pricing.sync_detailed(client=client, merchant_id=MERCHANT.merchant_id)
    assert detailed.deviations == (Deviation("/paymentPlans", "array", "object"),)
    # Sending stays strict: the documented shape goes out.
    assert isinstance(pricing.to_dict()["paymentPlans"], list)


def test_pricing_with_one_payment_plan_object_mock() -> None:
    example = _raw_example(PRICING_EXAMPLE)["Example 1"]["value"]
    assert isinstance(example["paymentPlans"], dict), "the vendor's example sends one object"
    _check_pricing(mocked("mash", 200, example))


def test_pricing_with_one_payment_plan_object_simulator() -> None:
    with simulated("mash", _one_plan) as mash:
        _check_pricing(mash)


# 2. a date-time where a date is documented ------------------------------------------------------------


def _order_body() -> dict[str, Any]:
    return {
        "orderId": "1223435",
        "status": "Charged",
        "invoices": [{"invoiceNumber": "1", "duedate": "2024-05-01T10:15:00Z", "created": "2024-04-17T10:15:00Z"}],
    }


def test_invoice_duedate_as_date_time_mock() -> None:
    order = get_order.sync("1223435", client=mocked("mash", 200, _order_body()))
    assert order.invoices and order.invoices[0].duedate == datetime.date(2024, 5, 1)
    assert Deviation("/invoices/0/duedate", "date", "date-time") in deviations_of(order)


def test_payout_report_created_as_date_time_mock() -> None:
    body = {"merchantId": "1", "items": [{"created": "2020-10-26T08:00:00Z", "orderId": "1", "amount": 1.0}]}
    report = get_payout_report.sync(
        "1",
        client=mocked("mash", 200, body),
        start_time=datetime.datetime(2020, 10, 26, tzinfo=datetime.UTC),
        end_time=datetime.datetime(2020, 10, 27, tzinfo=datetime.UTC),
    )
    assert report.items and report.items[0].created == datetime.date(2020, 10, 26)
    assert Deviation("/items/0/created", "date", "date-time") in deviations_of(report)


def _duedate_as_date_time(request: httpx.Request, status: int, body: Any) -> tuple[int, Any]:
    if request.method == "GET" and isinstance(body, dict) and body.get("invoices"):
        invoices = [{**invoice, "duedate": invoice["duedate"] + "T10:15:00Z"} for invoice in body["invoices"]]
        body = {**body, "invoices": invoices}
    return status, body


def test_invoice_duedate_as_date_time_simulator() -> None:
    with simulated("mash", _duedate_as_date_time) as mash:
        request = {
            "merchantId": MERCHANT.merchant_id,
            "clientOrderId": "T-1",
            "paymentType": "Invoice",
            "customer": {"personId": "010771-123K", "name": "Teppo Testaaja", "email": "teppo@example.com"},
            "totalItems": 1,
            "orderItems": [ITEM],
        }
        created = create_order.sync(client=mash, body=CreateOrderRequest.from_dict(request))
        assert isinstance(created.order_id, str)
        charge_order.sync(created.order_id, client=mash, body=ChargeOrderRequest.from_dict({"fullDelivery": True}))
        order = get_order.sync(created.order_id, client=mash)
        assert order.invoices, "a charged invoice order has an invoice"
        assert isinstance(order.invoices[0].duedate, datetime.date)
        assert not isinstance(order.invoices[0].duedate, datetime.datetime)
        assert Deviation("/invoices/0/duedate", "date", "date-time") in deviations_of(order)


# 3. stock_item / brand null in a list -----------------------------------------------------------------


def _product(product_id: int, **extra: Any) -> dict[str, Any]:
    return {"id": product_id, "name": f"Product {product_id}", "price": 10.0, **extra}


def _check_null_relations(page: Any, at: int) -> None:
    product = page.data[at]
    assert isinstance(product.stock_item, Unset)
    assert isinstance(product.brand, Unset)
    assert McfDeviation(f"/data/{at}/stock_item", "object", "null") in mcf_deviations_of(page)
    assert McfDeviation(f"/data/{at}/brand", "object", "null") in mcf_deviations_of(page)


def test_null_stock_item_and_brand_mock() -> None:
    body = {
        "data": [_product(1, stock_item=None, brand=None), _product(2, brand={"id": 3, "name": "Apple"})],
        "meta": {"page": 1, "page_size": 50, "page_count": 1, "item_count": 2},
    }
    page = list_products.sync(client=mocked("mycashflow", 200, body))
    assert page.data and len(page.data) == 2, "the whole page decodes"
    _check_null_relations(page, 0)


def _null_relations(request: httpx.Request, status: int, body: Any) -> tuple[int, Any]:
    if request.url.path.endswith("/products") and isinstance(body, dict):
        first = {**body["data"][0], "stock_item": None, "brand": None}
        body = {**body, "data": [first, *body["data"][1:]]}
    return status, body


def test_null_stock_item_and_brand_simulator() -> None:
    with simulated("mycashflow", _null_relations) as store:
        page = list_products.sync(client=store, expand=[ProductExpand.BRAND, ProductExpand.STOCK_ITEM], page_size=5)
        assert page.data and len(page.data) == 5
        _check_null_relations(page, 0)


# 4. another 2xx than the documented one ---------------------------------------------------------------


def _check_created(client: BaseClient) -> None:
    created = create_brand.sync(client=client, body=BrandInput.from_dict({"name": "Acme"}))
    assert not isinstance(created.data, Unset) and created.data.name == "Acme"
    detailed = create_brand.sync_detailed(client=client, body=BrandInput.from_dict({"name": "Acme"}))
    assert detailed.status_code == 200
    assert detailed.parsed is not None


def test_create_answering_200_mock() -> None:
    _check_created(mocked("mycashflow", 200, {"data": {"id": 7, "name": "Acme"}}))


def _created_as_200(request: httpx.Request, status: int, body: Any) -> tuple[int, Any]:
    return (200 if status == 201 else status), body


def test_create_answering_200_simulator() -> None:
    with simulated("mycashflow", _created_as_200) as store:
        _check_created(store)


# 5. error bodies that are not JSON --------------------------------------------------------------------

NOT_JSON = [b"", b"<html><body><h1>502 Bad Gateway</h1></body></html>", b"Not Found"]


@pytest.mark.parametrize("api", SDK_APIS)
@pytest.mark.parametrize("body", NOT_JSON, ids=["empty", "html", "text"])
@pytest.mark.parametrize("status", [401, 404, 502])
def test_error_without_json_mock(api: str, status: int, body: bytes) -> None:
    """Every SDK's simplest GET (`smoke` binding): no parsed body, and the API's own error root (`error`)."""
    binding = APIS[api].sdk
    assert binding is not None
    operation_id, arguments = binding.smoke
    operation = operation_module(APIS[api].package, operation_id)
    client = mocked(api, status, body)
    detailed = operation.sync_detailed(**arguments, client=client)
    assert (detailed.status_code, detailed.parsed, detailed.content) == (status, None, body)
    with pytest.raises(load_object(binding.error)) as error:
        operation.sync(**arguments, client=client)
    assert error.value.status_code == status


def _as_html(request: httpx.Request, status: int, body: Any) -> tuple[int, Any]:
    return status, (b"<html><body>Not here</body></html>" if status >= 400 else body)


def test_error_without_json_simulator() -> None:
    with simulated("mycashflow", _as_html) as store:
        detailed = get_product.sync_detailed(999_999, client=store)
        assert detailed.status_code == 404
        assert detailed.parsed is None and detailed.content.startswith(b"<html>")
        with pytest.raises(NotFoundError):
            get_product.sync(999_999, client=store)
    with simulated("mash", _as_html) as mash:
        assert get_order.sync_detailed("999999", client=mash).parsed is None
        with pytest.raises(MashError):
            get_order.sync("999999", client=mash)


# 6. a Mash 2xx carrying an errorCode ------------------------------------------------------------------

NOT_FOUND = {"errorCode": 20002, "message": "Order not found", "localizedMessage": "Tilausta ei löydy"}


def test_mash_200_with_error_code_mock() -> None:
    with pytest.raises(OrderNotFoundError) as error:
        get_order.sync("1", client=mocked("mash", 200, NOT_FOUND))
    assert (error.value.code, error.value.status_code) == (20002, 200)


def _error_as_200(request: httpx.Request, status: int, body: Any) -> tuple[int, Any]:
    return (200 if isinstance(body, dict) and "errorCode" in body else status), body


def test_mash_200_with_error_code_simulator() -> None:
    with simulated("mash", _error_as_200) as mash, pytest.raises(OrderNotFoundError) as error:
        get_order.sync("999999", client=mash)
    assert (error.value.code, error.value.status_code) == (20002, 200)


# strict mode and logging ------------------------------------------------------------------------------


def test_strict_client_raises_on_a_deviation() -> None:
    example = _raw_example(PRICING_EXAMPLE)["Example 1"]["value"]
    strict = mocked("mash", 200, example, strict=True)
    for call in (get_pricing.sync, get_pricing.sync_detailed):
        with pytest.raises(DeviationError) as error:
            call(client=strict, merchant_id=1)
        assert "/paymentPlans: documented array, received object" in str(error.value)
        assert error.value.deviations == (Deviation("/paymentPlans", "array", "object"),)


def test_strict_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    example = _raw_example(PRICING_EXAMPLE)["Example 1"]["value"]
    monkeypatch.setenv("SDK_STRICT_DECODING", "1")
    with pytest.raises(DeviationError):
        get_pricing.sync(client=mocked("mash", 200, example), merchant_id=1)
    assert get_pricing.sync(client=mocked("mash", 200, example, strict=False), merchant_id=1).payment_plans


def test_deviations_are_logged_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    example = _raw_example(PRICING_EXAMPLE)["Example 1"]["value"]
    with caplog.at_level(logging.DEBUG, logger="sdk_runtime.decode"):
        get_pricing.sync(client=mocked("mash", 200, example), merchant_id=1)
    lines = [record.getMessage() for record in caplog.records if record.name == "sdk_runtime.decode"]
    assert lines == ["GET /api/pricing 200: /paymentPlans: documented array, received object"]
    assert all(record.levelno == logging.DEBUG for record in caplog.records if record.name == "sdk_runtime.decode")


def test_body_that_matches_records_nothing() -> None:
    example = _raw_example(PRICING_EXAMPLE)["Example 1"]["value"]
    fixed = {**example, "paymentPlans": [example["paymentPlans"]]}
    detailed = get_pricing.sync_detailed(client=mocked("mash", 200, fixed, strict=True), merchant_id=1)
    assert detailed.deviations == ()
    assert json.loads(detailed.content) == fixed
