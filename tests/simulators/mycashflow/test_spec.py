"""The spec drives the simulator: every operation is served, nothing else is, and its schemas shape the data."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from simulators._serving import Operation, compile_operations
from simulators._serving.spec import load_spec
from simulators.mycashflow import create_app
from simulators.mycashflow.resources import compile_resources

from .conftest import BASE, Api, make_api

SPEC = load_spec("mycashflow")
OPERATIONS = compile_operations(SPEC)
RESOURCES, ENDPOINTS = compile_resources(SPEC)
# A value for each path parameter that names an item of the seeded store.
KEYS = {"productCode": "P0001"}


def test_the_spec_has_the_operations_and_resources_the_issue_names() -> None:
    assert len(OPERATIONS) == 56  # 54 + getProductByCode (T3) + listEmailSubscribers (T10), issue 15
    assert len({endpoint.resource for endpoint in ENDPOINTS.values()}) == 17


@pytest.fixture(scope="module")
def coverage_store() -> Api:
    """A small seeded store that this module may write to."""
    return make_api(TestClient(create_app(seed=0, products=40), base_url=BASE))


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.operation_id)
def test_every_operation_is_served(coverage_store: Api, operation: Operation) -> None:
    url = re.sub(r"\{([^}]+)\}", lambda m: KEYS.get(m.group(1), "2"), operation.path)
    response = coverage_store(operation.method, url, json={} if operation.has_body else None)
    # The core's own refusals are a 405, or a 404 keyed "path"; anything else came from the operation.
    assert response.status_code != 405
    assert not (response.status_code == 404 and "path" in response.json()["errors"]), response.text
    if operation.method == "GET":
        assert response.status_code == 200, response.text
    if operation.method == "DELETE":
        assert response.status_code in (204, 409), response.text


def test_unknown_operations_are_not_served(api: Api) -> None:
    assert api("DELETE", "/orders/1").status_code == 405
    assert api("POST", "/versions").status_code == 405
    assert api("DELETE", "/categories/1").status_code == 405
    assert api("GET", "/banners").status_code == 404
    assert api("GET", "/products/1/images").status_code == 404


def test_read_only_fields_come_from_the_spec() -> None:
    assert {"id", "created_at", "updated_at"} <= RESOURCES["products"].read_only
    assert {"reserved", "balance", "code", "product_id"} <= RESOURCES["stock"].read_only
    assert {"subtotal", "total", "receipt_url"} <= RESOURCES["orders"].read_only
    assert "name" not in RESOURCES["products"].read_only


def test_expand_values_and_sorts_come_from_the_spec() -> None:
    assert ENDPOINTS["listProducts"].expands >= {"translations", "variations.stock_item", "brand"}
    assert ENDPOINTS["listOrders"].sorts == ("id-asc", "id-desc", "updated_at-asc", "updated_at-desc")
    assert "status" in ENDPOINTS["listOrders"].filters
    assert RESOURCES["products"].translatable[0] == "name"
    assert "translations" in RESOURCES["products"].expandable
