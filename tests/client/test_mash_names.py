"""Names that read: documented enum member names, and numbers where the docs give numbers (issue 22)."""

from __future__ import annotations

import inspect
import typing
from urllib.parse import parse_qs

import httpx
from mash_client.api.orders_and_invoicing import get_pricing
from mash_client.models import OrderItemType

from mash_sdk import Mash


def test_order_item_types_have_the_documented_names() -> None:
    assert [(member.name, member.value) for member in OrderItemType] == [
        ("PRODUCT", 1),
        ("SHIPPING_COST", 2),
        ("HANDLING_COST", 3),
        ("DISCOUNT", 4),
        ("CORRECTION", 5),
    ]
    assert "1=product" in (OrderItemType.__doc__ or "")
    assert OrderItemType(9).is_unknown  # still tolerant of a value the docs do not list


def test_get_pricing_takes_numbers_and_sends_them_as_the_docs_show() -> None:
    parameters = inspect.signature(get_pricing.sync_detailed, eval_str=True).parameters
    assert parameters["merchant_id"].annotation is int
    assert float in typing.get_args(parameters["order_amount"].annotation)
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(400, json={"errorCode": 10002, "message": "x", "localizedMessage": "x"})

    with Mash(username="u", password="p", transport=httpx.MockTransport(answer)) as mash:
        get_pricing.sync_detailed(client=mash, merchant_id=232423424, order_amount=1214.5)
    assert parse_qs(sent[0].url.query.decode()) == {"merchantId": ["232423424"], "orderAmount": ["1214.5"]}
