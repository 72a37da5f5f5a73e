"""The seeded store is deterministic, realistic and big enough to page; control endpoints only when enabled."""

from __future__ import annotations

from starlette.testclient import TestClient

from simulators.mycashflow import create_app

from .conftest import AUTH, BASE, Api, make_api

COLLECTIONS = ("/products", "/variations", "/stock", "/customers", "/orders", "/brands", "/stock-changes")


def _snapshot(api: Api) -> dict[str, object]:
    return {path: api("GET", f"{path}?page_size=10000").json() for path in COLLECTIONS}


def test_the_same_seed_gives_the_same_store_another_seed_another() -> None:
    first = _snapshot(make_api(TestClient(create_app(seed=7, products=40), base_url=BASE)))
    again = _snapshot(make_api(TestClient(create_app(seed=7, products=40), base_url=BASE)))
    other = _snapshot(make_api(TestClient(create_app(seed=8, products=40), base_url=BASE)))
    assert first == again
    assert first["/customers"] != other["/customers"]


def test_a_few_hundred_products_with_finnish_and_swedish_data(seeded: Api) -> None:
    assert seeded("GET", "/products").json()["meta"]["item_count"] == 300
    customers = seeded("GET", "/customers?page_size=500").json()["data"]
    assert {c["country"] for c in customers} == {"FI", "SE"}
    assert any(ch in "äöå" for c in customers for ch in (c["first_name"] + c["last_name"] + c["city"]).lower())
    product = seeded("GET", "/products/3?expand=translations").json()["data"]
    assert {t["language"] for t in product["translations"]} == {"fi", "sv", "en"}
    assert seeded("GET", "/orders/1").json()["data"]["created_at"].startswith("2025-01")


def test_control_endpoints_are_off_unless_enabled() -> None:
    assert TestClient(create_app(), base_url=BASE).post("/_sim/reset").status_code == 404


def test_reset_restores_the_start_up_store_and_seed_makes_another() -> None:
    client = TestClient(create_app(seed=1, products=20, control=True), base_url=BASE)
    api = make_api(client)
    api("POST", "/brands", json={"name": "Uusi"})
    brands = api("GET", "/brands").json()["meta"]["item_count"]
    assert client.post("/_sim/reset").status_code == 200
    assert api("GET", "/brands").json()["meta"]["item_count"] == brands - 1
    response = client.post("/_sim/seed", json={"seed": 2, "products": 10})
    assert response.status_code == 200 and response.json()["seeded"]["products"] == 10
    assert api("GET", "/products").json()["meta"]["item_count"] == 10
    assert client.post("/_sim/seed", json={"seed": "x"}).status_code == 400
    assert client.get("/_sim/products/1").json()["record"]["id"] == 1
    assert client.get("/_sim/products/999").status_code == 404
    assert client.get("/api/v1/products", auth=AUTH).status_code == 200


def test_every_reset_gives_back_the_whole_start_up_store_ids_included() -> None:
    client = TestClient(create_app(seed=3, products=20, control=True), base_url=BASE)
    api = make_api(client)
    start = _snapshot(api)
    made = []
    for _ in range(3):  # the first reset seeds and saves the store, the next ones restore what was saved
        made.append(api("POST", "/brands", json={"name": "Uusi"}).json()["data"]["id"])
        api("DELETE", "/products/1")
        assert client.post("/_sim/reset").status_code == 200
        assert _snapshot(api) == start
    assert made[0] == made[1] == made[2]  # the id counters went back too
