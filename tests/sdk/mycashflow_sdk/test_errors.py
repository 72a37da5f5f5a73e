"""MyCashflow error statuses raise their families; a 422 carries the `errors` element typed."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest
from mycashflow_client.api.products import create_product, get_product
from mycashflow_client.models import ProductCreateInput

import mycashflow_sdk
from mycashflow_sdk import MyCashflow, MyCashflowError, RetryPolicy, ValidationError
from mycashflow_sdk._errors import FAMILIES

from ..conftest import PASSWORD, USERNAME, Network, patched_spec


def _documented_error_statuses() -> set[int]:
    spec = patched_spec("mycashflow")
    return {
        int(status)
        for item in spec["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and "responses" in operation
        for status in operation["responses"]
        if status[0] in "45"
    }


def test_every_documented_error_status_has_a_family() -> None:
    assert {family.http_status for family in FAMILIES} == _documented_error_statuses()
    assert all(getattr(mycashflow_sdk, family.__name__) is family for family in FAMILIES)


def _client(net: Network) -> MyCashflow:
    return MyCashflow(
        "shop", username=USERNAME, api_key=PASSWORD, transport=net.transport, retry=RetryPolicy.disabled()
    )


@pytest.mark.parametrize(
    ("status", "family"),
    [(family.http_status, family) for family in FAMILIES]
    + [(500, mycashflow_sdk.ServerError), (503, mycashflow_sdk.ServerError), (418, MyCashflowError)],
)
def test_each_status_raises_its_family(
    status: int, family: type[MyCashflowError], network: Callable[..., Network]
) -> None:
    net = network(httpx.Response(status, json={}))
    with pytest.raises(MyCashflowError) as raised:
        get_product.sync(7, client=_client(net))
    assert type(raised.value) is family
    assert (raised.value.status_code, raised.value.errors) == (status, {})
    assert str(raised.value) == f"MyCashflow HTTP {status} on GET /api/v1/products/7"


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_422_carries_each_fields_messages(mode: str, network: Callable[..., Network]) -> None:
    errors = {"name": ["This field is required."], "price": ["The value must be a number.", "Too large."]}
    net = network(httpx.Response(422, json={"errors": errors}))
    body = ProductCreateInput.from_dict({"name": "", "price": "x"})
    with pytest.raises(ValidationError) as raised:
        if mode == "sync":
            create_product.sync(client=_client(net), body=body)
        else:
            asyncio.run(create_product.asyncio(client=_client(net), body=body))
    assert raised.value.errors == errors
    assert str(raised.value) == (
        "MyCashflow HTTP 422 on POST /api/v1/products: name: This field is required.; "
        "price: The value must be a number. Too large."
    )


def test_a_malformed_errors_element_is_kept_as_strings(network: Callable[..., Network]) -> None:
    net = network(httpx.Response(422, json={"errors": {"name": "required", "tags": [1, 2]}}))
    with pytest.raises(ValidationError) as raised:
        get_product.sync(7, client=_client(net))
    assert raised.value.errors == {"name": ["required"], "tags": ["1", "2"]}


def test_a_non_json_error_body_still_raises_its_family(network: Callable[..., Network]) -> None:
    net = network(httpx.Response(404, text="<html>Not found</html>"))
    with pytest.raises(mycashflow_sdk.NotFoundError) as raised:
        get_product.sync(7, client=_client(net))
    assert raised.value.body == "<html>Not found</html>"
