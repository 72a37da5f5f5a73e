"""`GET /api/v0/campaigns` as the Fivetran connector reads it (T1 other/main.py): page_size=1000, prices and
visibilities expanded, one page (`meta` without `next`). Only `id` and `updated_at` are evidenced."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from simulators.mycashflow import create_app

from .conftest import AUTH, BASE, Api


@pytest.fixture
def v0() -> Api:
    store = TestClient(create_app(seed=0, products=30), base_url=BASE)

    def call(method: str, path: str, **kwargs: Any) -> httpx.Response:
        kwargs.setdefault("auth", AUTH)
        response: httpx.Response = store.request(method, "/api/v0" + path, **kwargs)
        return response

    return call


def test_campaigns_are_read_as_the_fivetran_connector_reads_them(v0: Api) -> None:
    response = v0("GET", "/campaigns", params={"page_size": 1000, "expand": "prices,visibilities"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert "next" not in body["meta"] and body["meta"]["item_count"] == len(body["data"]) > 0
    versions = {1, 2, 3}
    for campaign in body["data"]:
        assert isinstance(campaign["id"], int) and campaign["updated_at"]
        assert campaign["prices"] == []  # no source shows a campaign price's fields: none are invented
        assert {v["version_id"] for v in campaign["visibilities"]} == versions


def test_expansions_are_shown_only_when_asked_for(v0: Api) -> None:
    plain = v0("GET", "/campaigns").json()["data"][0]
    assert "prices" not in plain and "visibilities" not in plain
    assert v0("GET", "/campaigns", params={"expand": "products"}).status_code == 422


def test_campaigns_are_read_only_and_have_no_item_path(v0: Api) -> None:
    assert v0("POST", "/campaigns", json={}).status_code in (404, 405)
    assert v0("GET", "/campaigns/1").status_code == 404
