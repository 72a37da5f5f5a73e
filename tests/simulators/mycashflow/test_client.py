"""The generated mycashflow_client works against the simulator (in-process): create → get → list with paging."""

from __future__ import annotations

from mycashflow_client import Client
from mycashflow_client.api.products import create_product, get_product, list_products
from mycashflow_client.models import (
    CreateProductResponse200,
    GetProductResponse200,
    ListProductsResponse200,
    Product,
    ProductCreateInput,
    ProductExpand,
)
from starlette.testclient import TestClient

from simulators.mycashflow import create_app

from .conftest import AUTH, BASE


def test_create_get_and_page_through_products_with_the_generated_client() -> None:
    # The API user's Basic credentials travel on the httpx client the generated client is given.
    transport = TestClient(create_app(seed=0, products=30), base_url=BASE + "/api/v1")
    transport.auth = AUTH
    client = Client(base_url=BASE + "/api/v1").set_httpx_client(transport)

    created = create_product.sync_detailed(client=client, body=ProductCreateInput(name="Villasukat", price=19.9))
    assert created.status_code == 200 and isinstance(created.parsed, CreateProductResponse200)
    assert isinstance(created.parsed.data, Product)
    product_id = created.parsed.data.id
    assert product_id == 31

    fetched = get_product.sync_detailed(product_id=product_id, client=client, expand=[ProductExpand.TRANSLATIONS])
    assert isinstance(fetched.parsed, GetProductResponse200) and isinstance(fetched.parsed.data, Product)
    assert (fetched.parsed.data.name, fetched.parsed.data.price) == ("Villasukat", 19.9)
    assert fetched.parsed.data.translations[0].name == "Villasukat"  # type: ignore[index]

    seen: list[int] = []
    page = 1
    while True:
        listed = list_products.sync_detailed(client=client, page=page, page_size=7)
        assert isinstance(listed.parsed, ListProductsResponse200)
        seen.extend(item.id for item in listed.parsed.data)
        if page >= listed.parsed.meta.page_count:
            break
        page += 1
    assert seen == list(range(1, 32)) and page == 5
