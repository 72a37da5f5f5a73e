"""Mash: an order creation or a charge is never repeated; reads are; the default host is the spec's."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Literal

import httpx
import pytest
from mash_client.api.orders_and_invoicing import charge_order, create_order, get_order
from mash_client.models import ChargeOrderRequest, CreateOrderRequest, OrderResult

from mash_sdk import PRODUCTION_URL, Mash, ServerError

from ..conftest import PASSWORD, USERNAME, Clock, Network, patched_spec

ORDER = {"orderId": "1223435", "status": "Approved"}
ITEM = {"articleId": "D1", "description": "x", "pricePerUnit": 1.0, "numberOfUnits": 1, "vatPercent": 24, "type": 1}


def test_the_default_base_url_is_the_specs_production_server() -> None:
    assert PRODUCTION_URL == patched_spec("mash")["servers"][0]["url"]
    assert Mash(username="u", password="p").base_url == PRODUCTION_URL


def _create(client: Mash, mode: Literal["sync", "async"]) -> OrderResult:
    body = CreateOrderRequest.from_dict({"merchantId": 1, "clientOrderId": "A-1", "orderItems": [ITEM]})
    if mode == "sync":
        return create_order.sync(client=client, body=body)
    return asyncio.run(create_order.asyncio(client=client, body=body))


def _charge(client: Mash, mode: Literal["sync", "async"]) -> OrderResult:
    body = ChargeOrderRequest.from_dict({"orderItems": [ITEM], "fullDelivery": True})
    if mode == "sync":
        return charge_order.sync("1223435", client=client, body=body)
    return asyncio.run(charge_order.asyncio("1223435", client=client, body=body))


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("call", [_create, _charge], ids=["create_order", "charge_order"])
def test_create_and_charge_are_sent_once_whatever_the_failure(
    mode: Literal["sync", "async"],
    call: Callable[[Mash, Literal["sync", "async"]], OrderResult],
    clock: Clock,
    network: Callable[..., Network],
) -> None:
    after_503 = network(httpx.Response(503, headers={"Retry-After": "1"}), httpx.Response(200, json=ORDER))
    with pytest.raises(ServerError):
        call(Mash(username=USERNAME, password=PASSWORD, transport=after_503.transport, retry=clock.policy()), mode)
    after_timeout = network(httpx.ReadTimeout("maybe created"), httpx.Response(200, json=ORDER))
    with pytest.raises(httpx.ReadTimeout):
        call(Mash(username=USERNAME, password=PASSWORD, transport=after_timeout.transport, retry=clock.policy()), mode)
    assert (len(after_503.requests), len(after_timeout.requests), clock.waits) == (1, 1, [])
    assert after_503.requests[0].method == "POST"


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_get_order_is_retried_through_503_and_connection_errors(
    mode: Literal["sync", "async"], clock: Clock, network: Callable[..., Network]
) -> None:
    net = network(httpx.Response(503), httpx.ConnectError("refused"), httpx.Response(200, json=ORDER))
    client = Mash(username=USERNAME, password=PASSWORD, transport=net.transport, retry=clock.policy())
    if mode == "sync":
        order = get_order.sync("1223435", client=client)
    else:
        order = asyncio.run(get_order.asyncio("1223435", client=client))
    assert order.order_id == "1223435"
    assert len(net.requests) == 3
