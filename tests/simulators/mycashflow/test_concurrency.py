"""Under load, over real HTTPS (uvicorn on a free loopback port): ids are never shared, updates never mix."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from simulators._serving import running_in_thread
from simulators._serving.tls import TlsFiles, issue_test_certificate
from simulators.mycashflow import create_app

from .conftest import AUTH

WORKERS = 16


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    return issue_test_certificate(Path(tmp_path_factory.mktemp("tls")), ["example-store.mycashflow.fi"])


@pytest.fixture
def https(tls: TlsFiles) -> Iterator[httpx.Client]:
    """A fresh store served over HTTPS; the client trusts only the test CA made for it."""
    with running_in_thread(create_app(), tls=tls) as base:
        assert base.startswith("https://")
        limits = httpx.Limits(max_connections=WORKERS)
        with httpx.Client(base_url=base + "/api/v1", auth=AUTH, verify=tls.client_context(), limits=limits) as client:
            yield client


def test_plain_http_to_the_https_port_does_not_get_through(tls: TlsFiles) -> None:
    with running_in_thread(create_app(), tls=tls) as base, pytest.raises(httpx.HTTPError):
        httpx.get(base.replace("https://", "http://") + "/api/v1/products", auth=AUTH, timeout=5)


def test_a_plain_http_listener_of_the_same_app_answers_400() -> None:
    with running_in_thread(create_app()) as base:
        response = httpx.get(base + "/api/v1/products", auth=AUTH, timeout=5)
    assert response.status_code == 400 and "HTTPS" in response.json()["errors"]["scheme"][0]


def test_concurrent_creates_never_share_an_id(https: httpx.Client) -> None:
    def create(n: int) -> int:
        response = https.post("/brands", json={"name": f"Brand {n}"})
        assert response.status_code == 201
        brand_id: int = response.json()["data"]["id"]
        return brand_id

    with ThreadPoolExecutor(WORKERS) as pool:
        ids = list(pool.map(create, range(200)))
    assert len(set(ids)) == 200
    listed = https.get("/brands", params={"page_size": 1000}).json()
    assert listed["meta"]["item_count"] == 200 and sorted(ids) == [b["id"] for b in listed["data"]]


def test_concurrent_updates_leave_one_of_the_submitted_states(https: httpx.Client) -> None:
    product = https.post("/products", json={"name": "start", "price": 0.0}).json()["data"]
    states = [{"name": f"name {n}", "price": float(n), "keywords": f"k{n}", "weight": n / 10} for n in range(120)]

    def patch(state: dict[str, object]) -> dict[str, object]:
        response = https.patch(f"/products/{product['id']}", json=state)
        assert response.status_code == 200
        data: dict[str, object] = response.json()["data"]
        return data

    with ThreadPoolExecutor(WORKERS) as pool:
        answers = list(pool.map(patch, states))
    for state, answer in zip(states, answers, strict=True):
        assert {key: answer[key] for key in state} == state  # each answer is its own write, whole
    final = https.get(f"/products/{product['id']}").json()["data"]
    assert {key: final[key] for key in states[0]} in states
