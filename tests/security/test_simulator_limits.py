"""Simulator memory is bounded in bytes, not only in records: per record, per simulator, per request body."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from simulators._serving import running_in_thread
from simulators.mash import DEFAULT_MERCHANT
from simulators.mash import create_app as mash_app
from simulators.mycashflow import DEFAULT_USER
from simulators.mycashflow import create_app as mycashflow_app

JSON = {"Accept": "application/json"}
MASH_AUTH = (DEFAULT_MERCHANT.username, DEFAULT_MERCHANT.password)
MCF_AUTH = (DEFAULT_USER.email, DEFAULT_USER.api_key)
MCF_BASE = "https://example-store.mycashflow.fi"


def item(article: str = "A1", price: float = 10, units: float = 1) -> dict[str, Any]:
    return {"articleId": article, "description": "Tuote", "pricePerUnit": price, "numberOfUnits": units,
            "vatPercent": 24, "type": 1}  # fmt: skip


def order(client_order_id: str, **fields: Any) -> dict[str, Any]:
    """A create-order body the simulator approves (010771-123K: individual number 123 → Approved)."""
    customer = {"personId": "010771-123K", "name": "Teppo Testaaja", "locale": "fi-FI"}
    body = {"merchantId": DEFAULT_MERCHANT.merchant_id, "clientOrderId": client_order_id, "customer": customer,
            "paymentType": "Invoice", "orderItems": [item()]}  # fmt: skip
    return body | fields


def _big_order(client_order_id: str, size: int) -> dict[str, Any]:
    """A valid order whose items carry `size` bytes of descriptions (the issue's orders were ~0.9 MB)."""
    count = max(1, size // 1000)
    items = [item(article=f"A{i}", price=1, units=1) | {"description": "x" * 1000} for i in range(count)]
    return order(client_order_id, orderItems=items)


@pytest.fixture
def mash() -> Iterator[TestClient]:
    with TestClient(mash_app(control=True), base_url="http://mash.test") as client:
        client.auth = MASH_AUTH
        yield client


def test_mash_an_order_over_the_record_limit_is_refused_and_not_stored(mash: TestClient) -> None:
    answer = mash.post("/api/orders", json=_big_order("huge-1", 900_000), headers=JSON)
    assert (answer.status_code, answer.json()["errorCode"]) == (400, 10002), answer.text[:300]
    assert "262144 bytes per record" in answer.text
    assert mash.get("/_sim/client-orders/huge-1").status_code == 404


def test_mash_the_store_evicts_the_oldest_orders_beyond_its_byte_budget() -> None:
    app = mash_app(control=True, max_store_bytes=600_000, max_record_bytes=100_000)
    with TestClient(app, base_url="http://mash.test") as client:
        client.auth = MASH_AUTH
        for i in range(20):  # ~60 kB each: 1.2 MB offered to a 600 kB budget
            assert client.post("/api/orders", json=_big_order(f"o-{i}", 60_000), headers=JSON).status_code == 200
        kept = [i for i in range(20) if client.get(f"/_sim/client-orders/o-{i}").status_code == 200]
    assert kept == list(range(20 - len(kept), 20))  # the newest survive, the oldest went first
    assert 5 <= len(kept) <= 10


def test_mash_charges_stop_growing_an_order_at_the_record_limit() -> None:
    app = mash_app(control=True, max_record_bytes=8_000)
    with TestClient(app, base_url="http://mash.test") as client:
        client.auth = MASH_AUTH
        created = client.post("/api/orders", json=order("grow", orderItems=[item(units=400)]), headers=JSON).json()
        url = f"/api/orders/{created['orderId']}/charge"
        one = {"orderItems": [item(units=1)]}
        statuses = [client.post(url, json=one, headers=JSON).status_code for _ in range(60)]
        refused = client.post(url, json=one, headers=JSON)
        assert (refused.status_code, refused.json()["errorCode"]) == (400, 10002), statuses
        assert "8000 bytes per record" in refused.text
        assert 200 in statuses  # charges worked until the order reached the limit
        assert client.get(f"/api/orders/{created['orderId']}", headers=JSON).status_code == 200


@pytest.fixture
def store() -> Iterator[TestClient]:
    with TestClient(mycashflow_app(control=True, max_record_bytes=64_000), base_url=MCF_BASE) as client:
        client.auth = MCF_AUTH
        yield client


def test_mycashflow_a_product_over_the_record_limit_is_413_and_not_stored(store: TestClient) -> None:
    answer = store.post("/api/v1/products", json={"name": "big", "description": "x" * 100_000}, headers=JSON)
    assert answer.status_code == 413, answer.text[:300]
    assert "64000 bytes per record" in answer.json()["errors"]["request"][0]
    assert store.get("/api/v1/products", headers=JSON).json()["data"] == []


def test_mycashflow_updates_stop_growing_a_record_at_the_limit(store: TestClient) -> None:
    created = store.post("/api/v1/products", json={"name": "p"}, headers=JSON).json()["data"]
    url = f"/api/v1/products/{created['id']}"
    patch = {"translations": [{"language": "sv", "description": "x" * 40_000}]}
    # The root text is the store language's translation too, so 20 kB of description weigh ~40 kB.
    assert store.patch(url, json={"description": "y" * 20_000}, headers=JSON).status_code == 200
    assert store.patch(url, json=patch, headers=JSON).status_code == 200  # now ~80 kB: over, by one change
    refused = store.patch(url, json={"name": "q"}, headers=JSON)
    assert refused.status_code == 413, refused.text[:300]
    assert store.get(url, headers=JSON).json()["data"]["name"] == "p"


BIG = b"a=" + b"x" * (2 << 20)  # 2 MiB, over the 1 MiB body cap


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/redirect", "application/x-www-form-urlencoded"),  # no auth needed: was read in full (100 MB)
        ("/redirect/authenticate", "application/x-www-form-urlencoded"),
        ("/_sim/seed", "application/json"),
        ("/_sim/clock/advance", "application/json"),
    ],
)
def test_mash_pages_and_control_endpoints_cap_their_bodies(mash: TestClient, path: str, content_type: str) -> None:
    answer = mash.post(path, content=BIG, headers={"Content-Type": content_type})
    assert answer.status_code == 413
    assert "larger than 1048576 bytes" in answer.json()["error"]


def test_mash_a_body_without_a_length_is_capped_too(mash: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(40):
            yield b"x" * 65536  # 2.5 MiB in chunks, sent without Content-Length (chunked)

    answer = mash.post("/redirect", content=chunks(), headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 413


def test_mycashflow_control_endpoints_cap_their_bodies(store: TestClient) -> None:
    assert store.post("/_sim/seed", content=BIG, headers={"Content-Type": "application/json"}).status_code == 413


def test_a_declared_huge_body_is_refused_before_it_is_sent() -> None:
    """Over a real socket: Content-Length 100 MB and no body; the answer comes at once, nothing is read."""
    with running_in_thread(mash_app()) as base:
        host, port = base.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=5) as sock:
            sock.sendall(
                b"POST /redirect HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                b"Content-Length: 100000000\r\n\r\nmerchantId=1"
            )
            head = sock.recv(4096)
        assert head.startswith(b"HTTP/1.1 413"), head[:200]
        with httpx.Client(base_url=base) as client:  # and the server is fine afterwards
            assert client.post("/api/orders").status_code == 401
