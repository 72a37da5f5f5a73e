"""Issue 13 (SDK): a 2xx whose JSON is malformed raises the API's typed error, never a raw JSONDecodeError,
and `*_detailed` returns it with `parsed=None` and the raw content kept."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from mash_client.api.orders_and_invoicing import get_order
from mycashflow_client.api.products import list_products

from mash_sdk import Mash, MashError
from mycashflow_sdk import MyCashflow, MyCashflowError
from sdk_runtime import RetryPolicy

MALFORMED = [
    b'{"orderId": "1", "status": "Appro',  # cut off mid-body
    b"{'orderId': '1'}",  # Python repr, not JSON
    b"\xff\xfe{}",  # not UTF-8
    b'{"orderId": "1"}{"orderId": "2"}',  # two documents
    b"[" * 100_000,  # nesting deep enough to hit the parser's recursion limit
]


def _transport(body: bytes) -> httpx.MockTransport:
    return httpx.MockTransport(
        lambda request: httpx.Response(200, content=body, headers={"Content-Type": "application/json"})
    )


@pytest.mark.parametrize("body", MALFORMED, ids=["truncated", "python-repr", "not-utf8", "two-documents", "deep"])
def test_mash_malformed_200(body: bytes) -> None:
    mash = Mash(username="u", password="p", transport=_transport(body), retry=RetryPolicy.disabled())
    with pytest.raises(MashError) as error:
        get_order.sync("1", client=mash)
    assert not isinstance(error.value, json.JSONDecodeError)
    assert error.value.status_code == 200
    assert "not JSON of the documented success shape" in str(error.value)
    detailed = get_order.sync_detailed("1", client=mash)
    assert (detailed.parsed, detailed.content) == (None, body)


@pytest.mark.parametrize("body", MALFORMED, ids=["truncated", "python-repr", "not-utf8", "two-documents", "deep"])
def test_mycashflow_malformed_200(body: bytes) -> None:
    store = MyCashflow("shop", username="u", api_key="k", transport=_transport(body), retry=RetryPolicy.disabled())
    with pytest.raises(MyCashflowError) as error:
        list_products.sync(client=store)
    assert error.value.status_code == 200
    assert list_products.sync_detailed(client=store).parsed is None


def test_async_malformed_200() -> None:
    mash = Mash(username="u", password="p", transport=_transport(MALFORMED[0]), retry=RetryPolicy.disabled())

    async def call() -> None:
        async with mash:
            await get_order.asyncio("1", client=mash)

    with pytest.raises(MashError):
        asyncio.run(call())
