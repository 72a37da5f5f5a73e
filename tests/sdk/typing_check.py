"""A user's script against the public API, checked by `mypy --strict` (the lint session's `mypy` covers
tests/): `assert_type` fails the check if a call loses its precise type. Not run by pytest."""

from __future__ import annotations

import asyncio
from typing import assert_type

from mash_client.api.orders_and_invoicing import charge_order, create_order, get_order
from mash_client.models import ChargeOrderRequest, CreateOrderRequest, Error, OrderResult, OrderStatus
from mash_client.types import Response
from mycashflow_client.api.products import delete_product, list_products
from mycashflow_client.models import ListProductsResponse200, Product

from mash_sdk import Mash, MashError, OrderStateError, RetryPolicy
from mycashflow_sdk import MyCashflow, ValidationError, apaginate, pages, paginate


def mash_flow(mash: Mash) -> None:
    created = create_order.sync(client=mash, body=CreateOrderRequest(merchant_id=1, client_order_id="A-1"))
    assert_type(created, OrderResult)
    order_id = created.order_id
    assert_type(order_id, str)
    order = get_order.sync(order_id, client=mash)
    if order.status is OrderStatus.APPROVED:
        try:
            assert_type(
                charge_order.sync(order_id, client=mash, body=ChargeOrderRequest(full_delivery=True)), OrderResult
            )
        except OrderStateError as error:
            assert_type(error.code, int | None)
            assert_type(error.localized_message, str | None)
        except MashError as error:
            assert_type(error.status_code, int)
    detailed = get_order.sync_detailed(order_id, client=mash)
    assert_type(detailed, Response[Error | OrderResult])  # the low-level call keeps the error body
    assert_type(detailed.status_code.value, int)


async def mash_async(mash: Mash) -> OrderStatus:
    order = await get_order.asyncio("1", client=mash)
    return order.status


def mycashflow_flow(store: MyCashflow) -> list[str]:
    names: list[str] = []
    for product in paginate(list_products.sync, client=store, page_size=100):
        assert_type(product, Product)
        names.append(str(product.name))
    for page in pages(list_products.sync, client=store):
        assert_type(page, ListProductsResponse200)
    try:
        assert_type(delete_product.sync(1, client=store), None)
    except ValidationError as error:
        assert_type(error.errors, dict[str, list[str]])
    return names


async def mycashflow_async(store: MyCashflow) -> int:
    return len([product async for product in apaginate(list_products.asyncio, client=store)])


def main() -> None:
    with Mash.from_env(retry=RetryPolicy(max_retries=5)) as mash:
        mash_flow(mash)
        asyncio.run(mash_async(mash))
    with MyCashflow.from_env() as store:
        mycashflow_flow(store)
        asyncio.run(mycashflow_async(store))
