"""What shipped integrations call (issue 15): e-mail subscribers (T10), product by code and local-time filters (T3)."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
from mycashflow_client.api.email_subscribers import list_email_subscribers
from mycashflow_client.api.products import get_product_by_code
from mycashflow_client.models import ProductExpand
from starlette.testclient import TestClient

from mycashflow_sdk import MyCashflow, NotFoundError, paginate
from simulators.mycashflow import create_app

from .conftest import AUTH, BASE, Api


def test_email_subscribers_are_listed_as_the_gatsby_source_plugin_reads_them(seeded: Api) -> None:
    # T10 (gatsby-source-mycashflow-api): GET /api/v1/email-subscribers, then data[].id
    response = seeded("GET", "/email-subscribers?page_size=10")
    assert response.status_code == 200, response.text
    body = response.json()
    assert len(body["data"]) == 10 and body["meta"]["item_count"] == 40  # every third of 120 customers
    customers = seeded("GET", "/customers?page_size=200").json()["data"]
    emails = {customer["email"] for customer in customers}
    assert {item["email"] for item in body["data"]} <= emails
    assert [item["id"] for item in body["data"]] == list(range(1, 11))
    assert seeded("GET", "/email-subscribers?sort=id-desc&page_size=1").json()["data"][0]["id"] == 40


def test_a_product_is_found_by_its_code_with_the_path_the_stock_tracker_uses(seeded: Api) -> None:
    # T3 McfClient.GetProductItemByProductCode: /products/product_code={code}?expand=variations
    response = seeded("GET", "/products/product_code=P0001?expand=variations")
    assert response.status_code == 200, response.text
    product = response.json()["data"]
    assert (product["id"], product["product_code"]) == (1, "P0001")
    assert [variation["product_code"] for variation in product["variations"]][:1] == ["P0001-S"]


def test_a_variation_code_is_no_product_code_so_the_tracker_falls_back_to_stock(seeded: Api) -> None:
    # T3 answers a 404 here by looking the code up with GET /stock/{code}: both halves must hold.
    missing = seeded("GET", "/products/product_code=P0001-S")
    assert missing.status_code == 404 and list(missing.json()["errors"]) == ["productCode"]
    assert seeded("GET", "/stock/P0001-S").json()["data"]["variation_id"] is not None
    assert seeded("GET", "/products/product_code=NOPE").status_code == 404


def test_the_stock_trackers_exact_request_without_an_offset_is_answered(seeded: Api) -> None:
    item = seeded("GET", "/stock/P0001").json()["data"]
    query = f"stock_item_id={item['id']}&changed_at-from=2020-05-02T13:26:54&page_size=1000&page=1"
    response = seeded("GET", f"/stock-changes?{query}")
    assert response.status_code == 200, response.text
    assert response.json()["data"] and all(c["stock_item_id"] == item["id"] for c in response.json()["data"])


def test_a_time_without_an_offset_is_the_stores_local_time(seeded: Api) -> None:
    changes = seeded("GET", "/stock-changes?page_size=100").json()["data"]
    moment = datetime.fromisoformat(changes[50]["changed_at"])
    assert moment.utcoffset() == timedelta(hours=2)  # seeded in January: Helsinki winter time
    local = moment.replace(tzinfo=None).isoformat()

    def ids(value: str) -> list[int]:
        response = seeded("GET", "/stock-changes", params={"changed_at-from": value, "page_size": 10000})
        assert response.status_code == 200, response.text
        return [change["id"] for change in response.json()["data"]]

    assert ids(local) == ids(moment.isoformat())  # naive = +02:00 in winter
    assert ids(local) != ids(local + "Z")  # not UTC
    after = (moment + timedelta(seconds=1)).replace(tzinfo=None).isoformat()
    assert changes[50]["id"] in ids(local) and changes[50]["id"] not in ids(after)


def test_a_time_without_an_offset_follows_todays_helsinki_offset(api: Api) -> None:
    product = api("POST", "/products", json={"name": "Pipo", "product_code": "PIPO"}).json()["data"]
    api("PATCH", "/stock/PIPO", json={"quantity": 5})
    change = api("GET", "/stock-changes").json()["data"][-1]
    at = datetime.fromisoformat(change["changed_at"])
    # Europe/Helsinki: whatever today's offset is, a naive bound one second after the change excludes it
    # and one at the change includes it, which an UTC reading would get wrong by two or three hours.
    local = at.replace(tzinfo=None)
    found = api("GET", "/stock-changes", params={"changed_at-from": local.isoformat()}).json()["data"]
    assert [c["id"] for c in found] == [change["id"]]
    later = (local + timedelta(seconds=1)).isoformat()
    assert api("GET", "/stock-changes", params={"changed_at-from": later}).json()["data"] == []
    assert product["product_code"] == "PIPO"


def test_a_malformed_time_is_still_a_422_naming_the_filter(seeded: Api) -> None:
    response = seeded("GET", "/stock-changes?changed_at-from=yesterday")
    assert response.status_code == 422 and "changed_at-from" in response.json()["errors"]


def test_the_generated_client_calls_both_new_operations() -> None:
    app = TestClient(create_app(seed=0, products=20), base_url=BASE)
    transport = httpx.MockTransport(app.send)
    with MyCashflow(base_url=BASE + "/api/v1", username=AUTH[0], api_key=AUTH[1], transport=transport) as store:
        product = get_product_by_code.sync("P0002", client=store, expand=[ProductExpand.VARIATIONS])
        assert product is not None and product.data.id == 2
        try:
            get_product_by_code.sync("P0002-S", client=store)
        except NotFoundError as error:
            assert error.status_code == 404
        else:
            raise AssertionError("a variation's code must be a 404 here")
        emails = [item.email for item in paginate(list_email_subscribers.sync, client=store, page_size=7)]
        assert len(emails) == 40 and len(set(emails)) == 40
