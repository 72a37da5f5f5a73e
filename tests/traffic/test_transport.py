"""ValidatingTransport inside users' tests: both SDK clients, real HTTP where it matters, sync and async."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import httpx
import pytest
from mash_client.api.orders_and_invoicing import charge_order, create_order, get_order
from mash_client.models import ChargeOrderRequest, CreateOrderRequest
from mycashflow_client.api.products import get_product, list_products
from starlette.testclient import TestClient

from mash_sdk import Mash
from mycashflow_sdk import MyCashflow
from simulators import mash as mash_simulator
from simulators import mycashflow as mycashflow_simulator
from simulators._serving.runner import running_in_thread
from tests.simulators.mash._orders import AUTH, order
from trafficcheck import DeviationError, ValidatingTransport

from .deviant import GOOD_ORDER, create_app

BENT_KINDS = {"list-for-object", "null", "undocumented-field", "undocumented-enum-value", "date-time-for-date"}


@pytest.fixture(scope="module")
def deviant_url() -> Iterator[str]:
    with running_in_thread(create_app(slow_seconds=0.0)) as url:
        yield url


def mash(base: str, transport: ValidatingTransport) -> Mash:
    return Mash(username=AUTH[0], password=AUTH[1], base_url=base + "/api", allow_insecure=True, transport=transport)


def test_the_mash_client_against_the_simulator_over_http_has_no_deviation() -> None:
    transport = ValidatingTransport("mash", inner=httpx.HTTPTransport())
    with running_in_thread(mash_simulator.create_app()) as url, mash(url, transport) as client:
        created = create_order.sync(client=client, body=CreateOrderRequest.from_dict(order("VT-1")))
        order_id = str(created.order_id)
        get_order.sync(order_id, client=client)
        charge_order.sync(order_id, client=client, body=ChargeOrderRequest(full_delivery=True))
    assert [checked.operation_id for checked in transport.checked] == ["createOrder", "getOrder", "chargeOrder"]
    assert transport.deviations == []


def test_each_bent_field_raises_with_its_pointer_and_kind(deviant_url: str) -> None:
    transport = ValidatingTransport("mash", inner=httpx.HTTPTransport())
    with mash(deviant_url, transport) as client, pytest.raises(DeviationError) as raised:
        get_order.sync_detailed("2", client=client)
    found = {(d.kind, d.pointer) for d in raised.value.checked.deviations}
    assert found == {
        ("list-for-object", "/customer"),
        ("null", "/invoicingAddress"),
        ("undocumented-field", "/loyaltyTier"),
        ("undocumented-enum-value", "/status"),
        ("date-time-for-date", "/invoices/0/duedate"),
    }
    assert "getOrder" in str(raised.value)


def test_recording_mode_hands_every_answer_on_unchanged(deviant_url: str) -> None:
    transport = ValidatingTransport("mash", inner=httpx.HTTPTransport(), raise_on_deviation=False)
    with mash(deviant_url, transport) as client:
        good = get_order.sync_detailed(GOOD_ORDER, client=client)
        bent = get_order.sync_detailed("2", client=client)
        locked = httpx.Client(transport=transport).post(deviant_url + "/api/orders/2/cancel", json={})
    assert good.status_code == 200 and bent.status_code == 200 and locked.status_code == 409
    assert json.loads(bent.content)["loyaltyTier"] == "gold"
    assert locked.json() == {"errorCode": "ORDER_LOCKED", "message": "locked"}
    verdicts = transport.checked
    assert verdicts[0].deviations == ()
    assert {d.kind for d in verdicts[1].deviations} == BENT_KINDS
    assert [(d.kind, d.value) for d in verdicts[2].deviations] == [("undocumented-status", 409)]


def test_an_async_client_is_checked_too(deviant_url: str) -> None:
    async def call() -> None:
        transport = ValidatingTransport("mash", inner=httpx.AsyncHTTPTransport())
        async with httpx.AsyncClient(transport=transport) as client:
            await client.get(deviant_url + "/api/personinfo", params={"personId": "010771-123A"})

    with pytest.raises(DeviationError, match="not-json"):
        asyncio.run(call())


def test_the_mycashflow_client_with_the_store_simulator_in_process() -> None:
    with TestClient(mycashflow_simulator.create_app(seed=0), base_url="https://example-store.mycashflow.fi") as store:
        transport = ValidatingTransport("mycashflow", inner=httpx.MockTransport(store.send))
        user, key = mycashflow_simulator.DEFAULT_USER.email, mycashflow_simulator.DEFAULT_USER.api_key
        with MyCashflow(store="example-store", username=user, api_key=key, transport=transport) as client:
            page = list_products.sync(client=client)
            assert page is not None
            get_product.sync_detailed(999_999, client=client)  # a documented 404
    assert [c.operation_id for c in transport.checked] == ["listProducts", "getProduct"]
    assert transport.deviations == []


def test_a_mycashflow_answer_with_an_undocumented_field_is_recorded() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, json={"errors": {"id": ["Not found"]}, "shoeSize": 44})

    transport = ValidatingTransport("mycashflow", inner=httpx.MockTransport(answer), raise_on_deviation=False)
    with MyCashflow(store="example-store", username="u@example.com", api_key="k", transport=transport) as client:
        get_product.sync_detailed(7, client=client)
    assert [(d.kind, d.pointer, d.value) for d in transport.deviations[0].deviations] == [
        ("undocumented-field", "/shoeSize", "shoeSize")
    ]


def test_an_unknown_operation_to_ignore_is_refused() -> None:
    with pytest.raises(ValueError, match="noSuchOperation"):
        ValidatingTransport("mash", ignore=["noSuchOperation"])


def test_an_ignored_operation_is_not_checked(deviant_url: str) -> None:
    transport = ValidatingTransport("mash", inner=httpx.HTTPTransport(), ignore=["getOrder"])
    with mash(deviant_url, transport) as client:
        assert get_order.sync_detailed("2", client=client).status_code == 200
    assert transport.checked[0].operation_id == "getOrder" and transport.deviations == []
