"""The generated MyCashflow client over a fake transport: list envelopes, expand, the 422 errors body."""

from __future__ import annotations

from typing import Any

import httpx
from mycashflow_client import Client
from mycashflow_client.api.products import list_products, update_product
from mycashflow_client.models import (
    ListProductsResponse200,
    Meta,
    Product,
    ProductExpand,
    ProductInput,
    ValidationErrorResponse,
)

PRODUCT: dict[str, Any] = {"id": 7, "product_code": "TSHIRT-1", "name": "T-paita", "price": 19.9}


def _client(handler: httpx.MockTransport) -> Client:
    base = "https://example-store.mycashflow.fi/api/v1"
    return Client(base_url=base).set_httpx_client(httpx.Client(base_url=base, transport=handler))


def test_list_decodes_items_and_a_typed_meta_and_sends_expand_as_a_comma_list() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        meta = {"page": 2, "page_size": 1, "page_count": 3, "item_count": 3, "next": "/api/v1/products?page=3"}
        return httpx.Response(200, json={"data": [PRODUCT], "meta": meta})

    page = list_products.sync(
        client=_client(httpx.MockTransport(handler)),
        expand=[ProductExpand.TRANSLATIONS, ProductExpand.VARIATIONS_STOCK_ITEM],
        page=2,
        page_size=1,
    )
    assert isinstance(page, ListProductsResponse200)
    assert isinstance(page.meta, Meta)
    assert (page.meta.page, page.meta.page_count, page.meta.item_count) == (2, 3, 3)
    assert isinstance(page.data, list) and isinstance(page.data[0], Product)
    assert page.data[0].name == "T-paita"
    query = seen[0].url.params
    assert query["expand"] == "translations,variations.stock_item"
    assert (query["page"], query["page_size"]) == ("2", "1")
    assert not seen[0].url.path.endswith("/")


def test_422_body_decodes_into_typed_field_errors() -> None:
    body = {"errors": {"name": ["This field is required."], "price": ["Must be a number.", "Too large."]}}
    result = update_product.sync_detailed(
        product_id=7,
        client=_client(httpx.MockTransport(lambda _: httpx.Response(422, json=body))),
        body=ProductInput(name=""),
    ).parsed
    assert isinstance(result, ValidationErrorResponse)
    assert result.errors.additional_properties == body["errors"]
    assert result.errors["price"] == ["Must be a number.", "Too large."]
