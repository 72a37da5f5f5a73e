"""Under real concurrency (uvicorn on a loopback port, 64 clients at once): no duplicate order, no double charge."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from simulators._serving import running_in_thread
from simulators.mash import create_app

from ._orders import AUTH, JSON, MERCHANT_ID, item, order

CLIENTS = 64


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with running_in_thread(create_app(control=True)) as url:
        yield url


def _all_at_once(base_url: str, requests: list[tuple[str, dict[str, Any]]]) -> list[httpx.Response]:
    async def run() -> list[httpx.Response]:
        limits = httpx.Limits(max_connections=CLIENTS)
        async with httpx.AsyncClient(base_url=base_url, auth=AUTH, headers=JSON, limits=limits, timeout=30) as client:
            return await asyncio.gather(*(client.post(url, json=body) for url, body in requests))

    return asyncio.run(run())


def test_64_concurrent_creates_of_one_client_order_id_make_exactly_one_order(base_url: str) -> None:
    responses = _all_at_once(base_url, [("/api/orders", order("RACE-1"))] * CLIENTS)
    outcomes = Counter(200 if r.status_code == 200 else r.json()["errorCode"] for r in responses)
    assert outcomes == {200: 1, 20001: CLIENTS - 1}
    winner = next(r.json() for r in responses if r.status_code == 200)
    stored = httpx.get(f"{base_url}/_sim/client-orders/RACE-1", params={"merchantId": MERCHANT_ID}).json()
    assert stored["orderId"] == winner["orderId"]


def test_concurrent_charges_never_charge_an_item_twice(base_url: str) -> None:
    items = [item("A", 10, 3), item("B", 20, 1), item("C", 30, 2)]
    with httpx.Client(base_url=base_url, auth=AUTH, headers=JSON) as client:
        created = client.post("/api/orders", json=order("RACE-2", orderItems=items)).json()
    url = f"/api/orders/{created['orderId']}/charge"
    bodies: list[dict[str, Any]] = [
        {"fullDelivery": True},
        {"orderItems": [{"articleId": "A", "type": 1, "numberOfUnits": 1}]},
        {"orderItems": [{"articleId": "B", "type": 1}]},
        {"orderItems": [{"articleId": "C", "type": 1, "numberOfUnits": 2}]},
    ]
    responses = _all_at_once(base_url, [(url, bodies[i % len(bodies)]) for i in range(CLIENTS)])
    succeeded = [r.json() for r in responses if r.status_code == 200]
    assert {r.json()["errorCode"] for r in responses if r.status_code != 200} <= {20012, 20024}
    final = httpx.get(f"{base_url}/_sim/orders/{created['orderId']}").json()
    assert len(final["invoices"]) == len(succeeded) >= 1
    charged: Counter[str] = Counter()
    for invoice in final["invoices"]:
        for charged_item in invoice["orderItems"]:
            charged[charged_item["articleId"]] += charged_item["numberOfUnits"]
    assert charged == {"A": 3, "B": 1, "C": 2}
    assert final["chargedTotal"] == 10 * 3 + 20 + 30 * 2
    assert len(final["chargeEvents"]) == sum(len(invoice["orderItems"]) for invoice in final["invoices"])
