"""paginate/pages (sync) and apaginate/apages (async): every item once, in order, following `meta`."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from mycashflow_client.api.products import list_products
from mycashflow_client.models import ListProductsResponse200, Product

from mycashflow_sdk import MyCashflow, apages, apaginate, pages, paginate

from ..conftest import PASSWORD, USERNAME


class Catalogue:
    """A store with `count` products that serves `GET /products` pages as MyCashflow does."""

    def __init__(self, count: int, *, meta: str = "full") -> None:
        self.products = [{"id": n, "name": f"Product {n}", "price": n * 1.5} for n in range(1, count + 1)]
        self.meta = meta
        self.pages_served: list[int] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        assert not request.url.path.endswith("/")
        page, size = int(request.url.params.get("page", "1")), int(request.url.params.get("page_size", "50"))
        self.pages_served.append(page)
        data = self.products[(page - 1) * size : page * size]
        page_count = max(1, -(-len(self.products) // size))
        body: dict[str, Any] = {"data": data}
        if self.meta == "full":
            body["meta"] = {"page": page, "page_size": size, "page_count": page_count, "item_count": len(self.products)}
        elif self.meta == "next-only":
            body["meta"] = {"page": page, "page_size": size}
            if page < page_count:
                body["meta"]["next"] = f"/api/v1/products?page={page + 1}"
        return httpx.Response(200, json=body)

    def client(self) -> MyCashflow:
        return MyCashflow("shop", username=USERNAME, api_key=PASSWORD, transport=httpx.MockTransport(self.handle))


@pytest.mark.parametrize(("count", "page_size", "requests"), [(23, 5, 5), (25, 5, 5), (3, 50, 1), (0, 10, 1)])
@pytest.mark.parametrize("meta", ["full", "next-only"])
def test_paginate_yields_every_item_once_in_order(count: int, page_size: int, requests: int, meta: str) -> None:
    catalogue = Catalogue(count, meta=meta)
    products = list(paginate(list_products.sync, client=catalogue.client(), page_size=page_size))
    assert all(isinstance(product, Product) for product in products)
    assert [product.id for product in products] == list(range(1, count + 1))
    assert catalogue.pages_served == list(range(1, requests + 1))


@pytest.mark.parametrize(("count", "page_size", "requests"), [(23, 5, 5), (0, 10, 1)])
def test_apaginate_yields_every_item_once_in_order(count: int, page_size: int, requests: int) -> None:
    catalogue = Catalogue(count)

    async def collect() -> list[Product]:
        async with catalogue.client() as client:
            return [item async for item in apaginate(list_products.asyncio, client=client, page_size=page_size)]

    assert [product.id for product in asyncio.run(collect())] == list(range(1, count + 1))
    assert catalogue.pages_served == list(range(1, requests + 1))


def test_pages_give_page_level_access_with_meta_and_can_start_later() -> None:
    catalogue = Catalogue(12)
    seen = list(pages(list_products.sync, client=catalogue.client(), page_size=5, page=2))
    assert all(isinstance(page, ListProductsResponse200) for page in seen)
    assert [(page.meta.page, len(page.data)) for page in seen] == [(2, 5), (3, 2)]


def test_apages_give_page_level_access() -> None:
    catalogue = Catalogue(7)

    async def collect() -> list[ListProductsResponse200]:
        return [page async for page in apages(list_products.asyncio, client=catalogue.client(), page_size=3)]

    assert [len(page.data) for page in asyncio.run(collect())] == [3, 3, 1]


def test_a_response_without_meta_is_a_single_page() -> None:
    catalogue = Catalogue(3, meta="none")
    assert len(list(paginate(list_products.sync, client=catalogue.client(), page_size=2))) == 2
    assert catalogue.pages_served == [1]
