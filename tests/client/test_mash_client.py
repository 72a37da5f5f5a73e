"""The generated Mash client over a fake transport: Basic auth, typed decoding, tolerance of additions."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest
from mash_client import AuthenticatedClient
from mash_client.api.orders_and_invoicing import create_order, get_order
from mash_client.errors import ApiError
from mash_client.models import CreateOrderRequest, Error, OrderItem, OrderResult, OrderStatus, PaymentType

ORDER: dict[str, Any] = {
    "orderId": "1223435",
    "clientOrderId": "23423423423",
    "orderPlaced": "2020-10-26T14:47:09Z",
    "status": "Approved",
    "statusCode": "2",
    "paymentType": "Invoice",
    "orderItems": [
        {
            "articleId": "D234234234",
            "description": "Tuote x",
            "pricePerUnit": 123.45,
            "numberOfUnits": 5,
            "vatPercent": 24,
            "type": 1,
            "status": "Reserved",
        }
    ],
    "totalItems": 617.25,
    "chargedTotal": 0,
    "invoices": [],
    "paymentPlans": [],
    # Every documented OrderResult example carries these too (overlays/mash/20-response-required.yaml).
    "paymentPlanTypeId": None,
    "customer": {"personId": "010771-123K", "name": "Teppo Testaaja", "email": "teppo@example.com"},
    "deliveryAddress": {"address": "Testikatu 1", "zipCode": "00100", "city": "Helsinki", "country": "FI"},
    "invoicingAddress": {"address": "Testikatu 1", "zipCode": "00100", "city": "Helsinki", "country": "FI"},
}


def _client(handler: httpx.MockTransport) -> AuthenticatedClient:
    return AuthenticatedClient(
        base_url="https://mash.test/api",
        username="merchant-user",
        password="s3cret",
        httpx_args={"transport": handler},
    )


def test_get_order_sends_basic_auth_and_decodes_a_typed_order() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=ORDER)

    order = get_order.sync(order_id="1223435", client=_client(httpx.MockTransport(handler)))
    assert isinstance(order, OrderResult)
    assert order.status is OrderStatus.APPROVED
    assert order.payment_type is PaymentType.INVOICE
    assert seen[0].url.path == "/api/orders/1223435"
    user, _, password = base64.b64decode(seen[0].headers["Authorization"].removeprefix("Basic ")).partition(b":")
    assert (user, password) == (b"merchant-user", b"s3cret")


def test_unknown_enum_values_and_fields_decode_and_round_trip() -> None:
    """Mash: "Clients should expect ... adding new values to enumerations" and new fields."""
    body = {**ORDER, "status": "OnHold", "riskScore": 0.3}
    body["orderItems"] = [{**ORDER["orderItems"][0], "status": "Returned", "type": 9}]
    order = get_order.sync(order_id="1", client=_client(httpx.MockTransport(lambda _: httpx.Response(200, json=body))))
    assert isinstance(order, OrderResult)
    assert isinstance(order.status, OrderStatus)
    assert order.status.is_unknown and order.status.value == "OnHold"
    item = order.order_items[0]
    assert isinstance(item, OrderItem)
    assert item.type_.is_unknown and item.type_ == 9  # type: ignore[union-attr]
    assert order.additional_properties == {"riskScore": 0.3}
    assert order.to_dict()["status"] == "OnHold"
    assert order.to_dict()["orderItems"][0]["status"] == "Returned"
    assert list(OrderStatus) == [
        OrderStatus(v) for v in ("Active", "Approved", "Cancelled", "Closed", "Denied", "Pending")
    ]


def test_documented_error_body_decodes_as_error() -> None:
    error = {"errorCode": 20004, "message": "Order is Pending", "localizedMessage": "Tilaus odottaa"}
    result = get_order.sync_detailed(
        order_id="1", client=_client(httpx.MockTransport(lambda _: httpx.Response(400, json=error)))
    ).parsed
    assert isinstance(result, Error)
    assert (result.error_code, result.message) == (20004, "Order is Pending")


def test_sync_raises_api_error_for_an_error_status_and_repr_hides_the_credentials() -> None:
    client = _client(httpx.MockTransport(lambda _: httpx.Response(400, json={"errorCode": 20002})))
    with pytest.raises(ApiError) as raised:
        get_order.sync(order_id="1", client=client)
    assert (raised.value.status_code, raised.value.method, raised.value.path) == (400, "GET", "/api/orders/1")
    assert "merchant-user" not in repr(client) and "s3cret" not in repr(client)
    assert client.get_httpx_client().headers["Accept"] == "application/json"


def test_create_order_sends_the_items_as_a_json_list() -> None:
    sent: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        return httpx.Response(200, json=ORDER)

    request = CreateOrderRequest.from_dict(
        {
            "merchantId": 23232323,
            "clientOrderId": "A-1",
            "paymentType": "Invoice",
            "orderItems": [{k: v for k, v in ORDER["orderItems"][0].items() if k != "status"}],
        }
    )
    create_order.sync(body=request, client=_client(httpx.MockTransport(handler)))
    assert isinstance(sent[0]["orderItems"], list)
    assert sent[0]["orderItems"][0]["articleId"] == "D234234234"
