from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from simulators.mash import create_app

from ._orders import AUTH, BASE, JSON

Api = Callable[..., httpx.Response]


@pytest.fixture
def mash() -> Iterator[TestClient]:
    """A fresh simulator with control endpoints, in-process (no sockets)."""
    with TestClient(create_app(control=True), base_url=BASE) as client:
        yield client


@pytest.fixture
def api(mash: TestClient) -> Api:
    """`api("POST", "/orders", json=…)`: a call under /api as the default merchant, with Accept set."""

    def call(method: str, path: str, **kwargs: Any) -> httpx.Response:
        kwargs.setdefault("auth", AUTH)
        kwargs["headers"] = {**JSON, **kwargs.get("headers", {})}
        response: httpx.Response = mash.request(method, "/api" + path, **kwargs)
        return response

    return call
