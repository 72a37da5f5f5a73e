from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from hypothesis import settings
from starlette.testclient import TestClient

from simulators.mycashflow import DEFAULT_USER, create_app

BASE = "https://example-store.mycashflow.fi"
AUTH = (DEFAULT_USER.email, DEFAULT_USER.api_key)
Api = Callable[..., httpx.Response]


def examples(share: int) -> settings:
    """A share of the loaded profile's budget (e.g. `--hypothesis-profile=thorough` scales it up)."""
    return settings(max_examples=max(10, settings().max_examples // share), deadline=None)


def make_api(client: TestClient) -> Api:
    def call(method: str, path: str, **kwargs: Any) -> httpx.Response:
        kwargs.setdefault("auth", AUTH)
        response: httpx.Response = client.request(method, "/api/v1" + path, **kwargs)
        return response

    return call


@pytest.fixture
def client() -> Iterator[TestClient]:
    """An empty store with control endpoints, in-process (no sockets)."""
    with TestClient(create_app(control=True), base_url=BASE) as test_client:
        yield test_client


@pytest.fixture
def api(client: TestClient) -> Api:
    """`api("POST", "/products", json=…)`: a call under /api/v1 of an empty store, as the default API user."""
    return make_api(client)


@pytest.fixture(scope="session")
def seeded_app() -> Any:
    return create_app(seed=0)


@pytest.fixture(scope="session")
def seeded(seeded_app: Any) -> Api:
    """The seeded store (seed 0, 300 products), shared by the whole session: read it, never write to it."""
    return make_api(TestClient(seeded_app, base_url=BASE))


@pytest.fixture
def fresh_seeded() -> Api:
    """A seeded store of its own, for tests that change it."""
    return make_api(TestClient(create_app(seed=0, products=60), base_url=BASE))
