"""Every request example of the raw MyCashflow spec(s), sent to the simulator exactly as written (issue 15).

Request examples are the request bodies' and the parameters' `example`s of specs/<api>/openapi.yaml (the
reconstruction of the vendor's document: V-sourced text where SOURCE.yaml says so). Each operation's examples
go out as one request to a seeded store; it must be accepted (2xx), or be listed in NOT_ACCEPTED with the
reason, which src/simulators/mycashflow/README.md repeats (a test keeps the two in step).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from starlette.testclient import TestClient

from simulators.mycashflow import create_app
from specforge import _yaml

from .conftest import AUTH, BASE

ROOT = Path(__file__).resolve().parents[3]
SPECS = {api: ROOT / "specs" / api / "openapi.yaml" for api in ("mycashflow", "mycashflow_v0")}
# Path parameters without an example: an item the seeded store has (category 1 is the root the
# updateCategory example moves a category under, so the example is sent to category 2; the v0
# quick-process example goes to order 150, an open one).
SEEDED_KEYS = {"productCode": "P0001", "categoryID": "2", "orderID": "150"}
# Items the examples name by key, made in the store before the request (the store's content, not the
# request's shape, decides whether they exist): the stock examples address product code IPOD-80, the
# code of the vendor's own product sample.
NAMED_ITEMS = [("/api/v1/products", {"name": "Apple 80 GB iPod Video", "product_code": "IPOD-80"})]
NOT_ACCEPTED: dict[str, str] = {}  # "api:operationId" → why the simulator refuses the vendor's example


def _request_examples(api: str) -> Iterator[Any]:
    document = _yaml.load(SPECS[api])
    base = document["servers"][0]["url"].split("mycashflow.fi", 1)[1]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method not in ("get", "post", "patch", "put", "delete"):
                continue
            params = {p["name"]: p for p in operation.get("parameters", [])}
            examples = {name: p["example"] for name, p in params.items() if "example" in p}
            content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            if not examples and "example" not in content:
                continue
            url = base + path
            for name, p in params.items():
                if p["in"] == "path":
                    key = str(examples.get(name, SEEDED_KEYS.get(name, "1")))
                    url = url.replace("{" + name + "}", quote(key, safe=""))
            query = {name: value for name, value in examples.items() if params[name]["in"] == "query"}
            case = f"{api}:{operation['operationId']}"
            marks = [pytest.mark.xfail(reason=NOT_ACCEPTED[case], strict=True)] if case in NOT_ACCEPTED else []
            yield pytest.param(method.upper(), url, query, content.get("example"), id=case, marks=marks)


CASES = [case for api in SPECS for case in _request_examples(api)]


@pytest.fixture(scope="module")
def app() -> Any:
    return create_app(seed=0, products=20, control=True)


@pytest.fixture
def store(app: Any) -> Iterator[TestClient]:
    """The seeded store as it started (a write by the previous example is undone), plus NAMED_ITEMS."""
    with TestClient(app, base_url=BASE) as client:
        assert client.post("/_sim/reset").status_code in (200, 204)
        for path, body in NAMED_ITEMS:
            assert client.post(path, json=body, auth=AUTH).status_code == 200
        yield client


def test_the_walk_finds_the_vendors_own_examples() -> None:
    found = {case.id for case in CASES}
    # V5's POST /products body, V7's POST /webhooks body, V1's banner-group parameters and bodies
    assert {"mycashflow:createProduct", "mycashflow:createWebhook", "mycashflow:listBannerGroups"} <= found
    # T1's GET /api/v0/campaigns?page_size=1000 (the connector's own page size, as the parameter example)
    assert {"mycashflow_v0:listOrders", "mycashflow_v0:quickProcessOrder", "mycashflow_v0:listCampaigns"} <= found
    assert len(found) == 41


@pytest.mark.parametrize(("method", "url", "query", "body"), CASES)
def test_request_example_is_accepted(
    store: TestClient, method: str, url: str, query: dict[str, Any], body: Any
) -> None:
    response = store.request(method, url, params=query, json=body, auth=AUTH)
    assert 200 <= response.status_code < 300, f"{method} {url} {query}: {response.status_code} {response.text}"


def test_every_refused_example_is_explained_in_the_readme() -> None:
    readme = (ROOT / "src" / "simulators" / "mycashflow" / "README.md").read_text(encoding="utf-8")
    for case in NOT_ACCEPTED:
        assert case.split(":", 1)[1] in readme, f"{case} is refused but the README does not say why"
