"""MyCashflow: the store URL is the spec's server URL; list calls are retried, writes are not."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from mycashflow_client.api.products import create_product, list_products
from mycashflow_client.models import ProductCreateInput

from mycashflow_sdk import STORE_URL, MyCashflow, ServerError, store_url
from sdk_runtime import ConfigurationError

from ..conftest import PASSWORD, USERNAME, Clock, Network, patched_spec


def test_the_store_url_is_the_specs_server_url() -> None:
    server = patched_spec("mycashflow")["servers"][0]
    assert STORE_URL.replace("{store}", "{storename}") == server["url"]
    assert store_url(server["variables"]["storename"]["default"]) == "https://example-store.mycashflow.fi/api/v1"


def test_a_list_is_retried_and_a_create_is_not(clock: Clock, network: Callable[..., Network]) -> None:
    net = network(httpx.Response(503), httpx.Response(200, json={"data": [], "meta": {"page": 1, "page_count": 1}}))
    client = MyCashflow("shop", username=USERNAME, api_key=PASSWORD, transport=net.transport, retry=clock.policy())
    list_products.sync(client=client)
    assert len(net.requests) == 2
    writes = network(httpx.Response(503), httpx.Response(201, json={"data": {"id": 1}}))
    client = MyCashflow("shop", username=USERNAME, api_key=PASSWORD, transport=writes.transport, retry=clock.policy())
    with pytest.raises(ServerError):
        create_product.sync(client=client, body=ProductCreateInput(name="x"))
    assert len(writes.requests) == 1


# The Kelvin sign (U+212A) and the long s (U+017F) match `[a-z]` under IGNORECASE alone; lower() makes one "k".
@pytest.mark.parametrize("store", ["\u212aauppa", "\u017fhop", "shop.evil.example", "-shop", "shop-", "", "a" * 64])
def test_a_store_name_is_one_ascii_dns_label(store: str) -> None:
    with pytest.raises(ConfigurationError, match="not a MyCashflow store name"):
        store_url(store)
