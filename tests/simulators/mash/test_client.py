"""The generated mash_client, end to end against the in-process simulator: create -> get -> charge."""

from __future__ import annotations

from mash_client import AuthenticatedClient
from mash_client.api.orders_and_invoicing import charge_order, create_order, get_order
from mash_client.models import ChargeOrderRequest, CreateOrderRequest, OrderResult, OrderStatus
from starlette.testclient import TestClient

from simulators.mash import create_app

from ._orders import AUTH, BASE, JSON, order


def test_the_generated_client_creates_gets_and_charges_an_order() -> None:
    username, password = AUTH
    with TestClient(create_app(), base_url=BASE + "/api", headers=JSON) as transport:
        transport.auth = AUTH  # set_httpx_client replaces the httpx client the generated one would configure
        client = AuthenticatedClient(base_url=BASE + "/api", username=username, password=password)
        client.set_httpx_client(transport)
        created = create_order.sync(client=client, body=CreateOrderRequest.from_dict(order("E2E-1")))
        assert isinstance(created, OrderResult) and created.status == OrderStatus.APPROVED
        fetched = get_order.sync(order_id=str(created.order_id), client=client)
        assert isinstance(fetched, OrderResult) and fetched.client_order_id == "E2E-1"
        charged = charge_order.sync(
            order_id=str(created.order_id), client=client, body=ChargeOrderRequest(full_delivery=True)
        )
        assert isinstance(charged, OrderResult) and charged.status == OrderStatus.ACTIVE
        assert charged.charged_total == 617.25
        assert isinstance(charged.invoices, list) and len(charged.invoices) == 1
