"""Every documented Mash error code raises its family's exception, carrying the code and both messages."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from mash_client.api.orders_and_invoicing import get_order
from mash_client.models import Error

import mash_sdk
from mash_sdk import Mash, MashError
from mash_sdk._errors import FAMILIES

from ..conftest import PASSWORD, USERNAME, Network, patched_spec

ERROR_CODES: list[dict[str, Any]] = patched_spec("mash")["components"]["schemas"]["Error"]["x-error-codes"]


def test_every_documented_code_has_exactly_one_family_and_no_family_invents_one() -> None:
    documented = [entry["code"] for entry in ERROR_CODES]
    assigned = [code for family in FAMILIES for code in family.codes]
    assert sorted(assigned) == sorted(documented)  # each documented code once, nothing else


def test_each_family_has_the_http_status_the_docs_give_its_codes() -> None:
    status_of = {entry["code"]: entry["status"] for entry in ERROR_CODES}
    for family in FAMILIES:
        assert {status_of[code] for code in family.codes} == {family.http_status}, family.__name__


def test_every_family_is_exported() -> None:
    assert all(getattr(mash_sdk, family.__name__) is family for family in FAMILIES)


def _client(net: Network) -> Mash:
    return Mash(username=USERNAME, password=PASSWORD, transport=net.transport)


@pytest.mark.parametrize("entry", ERROR_CODES, ids=lambda entry: str(entry["code"]))
def test_a_documented_code_raises_its_family(entry: dict[str, Any], network: Callable[..., Network]) -> None:
    body = {"errorCode": entry["code"], "message": entry["message"], "localizedMessage": "Virheilmoitus suomeksi."}
    net = network(httpx.Response(entry["status"], json=body))
    with pytest.raises(MashError) as raised:
        get_order.sync("1", client=_client(net))
    error = raised.value
    family = next(family for family in FAMILIES if entry["code"] in family.codes)
    assert type(error) is family
    assert (error.code, error.message, error.localized_message) == (
        entry["code"],
        f"Mash error {entry['code']} (HTTP {entry['status']}) on GET /api/orders/1: {entry['message']}",
        "Virheilmoitus suomeksi.",
    )
    assert error.status_code == entry["status"]


def test_the_same_family_is_raised_by_asyncio(network: Callable[..., Network]) -> None:
    net = network(httpx.Response(400, json={"errorCode": 20004, "message": "Order is Pending"}))
    with pytest.raises(mash_sdk.OrderStateError):
        asyncio.run(get_order.asyncio("1", client=_client(net)))


def test_an_unknown_code_raises_the_base_error(network: Callable[..., Network]) -> None:
    net = network(httpx.Response(400, json={"errorCode": 29999, "message": "Something new"}))
    with pytest.raises(MashError) as raised:
        get_order.sync("1", client=_client(net))
    assert type(raised.value) is MashError
    assert (raised.value.code, raised.value.localized_message) == (29999, None)


@pytest.mark.parametrize(
    ("response", "family"),
    [
        (httpx.Response(401, text="Unauthorized"), mash_sdk.AuthenticationError),
        (httpx.Response(403), mash_sdk.PermissionDeniedError),
        (httpx.Response(502, text="<html>bad gateway</html>"), mash_sdk.ServerError),
        (httpx.Response(400, json=["not", "an", "object"]), MashError),
        (httpx.Response(400, json={"errorCode": "20002"}), MashError),
    ],
)
def test_a_body_without_a_usable_code_falls_back_to_the_status(
    response: httpx.Response, family: type[MashError], network: Callable[..., Network]
) -> None:
    net = network(response)
    client = Mash(username=USERNAME, password=PASSWORD, transport=net.transport, retry=mash_sdk.RetryPolicy.disabled())
    with pytest.raises(MashError) as raised:
        get_order.sync("1", client=client)
    assert type(raised.value) is family
    assert raised.value.code is None


def test_the_detailed_call_still_returns_the_error_body(network: Callable[..., Network]) -> None:
    net = network(httpx.Response(400, json={"errorCode": 20002, "message": "Order does not exist"}))
    response = get_order.sync_detailed("1", client=_client(net))
    assert response.status_code == 400
    assert isinstance(response.parsed, Error) and response.parsed.error_code == 20002
