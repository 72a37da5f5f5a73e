"""Relations: variations, stock, images, categories, brands, suppliers, customer groups, orders and deletes."""

from __future__ import annotations

from typing import Any

from .conftest import Api


def _product(api: Api, **fields: Any) -> dict[str, Any]:
    response = api("POST", "/products", json={"name": "Kuoritakki", **fields})
    assert response.status_code == 200, response.text  # "200 OK", the vendor's worked example (MCF-Q20)
    data: dict[str, Any] = response.json()["data"]
    return data


def test_a_seeded_product_has_its_relations(seeded: Api) -> None:
    expand = "variations.stock_item,stock_item,brand,image_links,category_links,visibilities"
    product = seeded("GET", f"/products/1?{'expand=' + expand}").json()["data"]
    assert [v["product_code"] for v in product["variations"]] == ["P0001-S", "P0001-M", "P0001-L", "P0001-XL"]
    assert all(v["stock_item"]["code"] == v["product_code"] for v in product["variations"])
    assert product["stock_item"]["code"] == "P0001"
    assert product["brand"]["id"] == product["brand_id"]
    assert product["image_links"][0]["filename"] == "tuotekuvat/p0001.jpg"
    assert product["category_links"] and product["visibilities"]
    supplier = seeded("GET", f"/suppliers/{product['supplier_id']}").json()["data"]
    assert supplier["name"]


def test_absent_to_one_relations_are_empty_arrays_as_the_real_api_sends(api: Api) -> None:
    product = _product(api)
    expanded = api("GET", f"/products/{product['id']}?expand=brand,stock_item").json()["data"]
    assert (expanded["brand"], expanded["stock_item"]) == ([], [])


def test_a_product_code_brings_a_stock_item_that_follows_renames(api: Api) -> None:
    product = _product(api, product_code="TAKKI-1")
    assert api("GET", "/stock/TAKKI-1").json()["data"]["product_id"] == product["id"]
    api("PATCH", f"/products/{product['id']}", json={"product_code": "TAKKI-2"})
    assert api("GET", "/stock/TAKKI-1").status_code == 404
    assert api("GET", "/stock/TAKKI-2").json()["data"]["code"] == "TAKKI-2"


def test_stock_quantity_changes_are_logged(api: Api) -> None:
    _product(api, product_code="LOG")
    api("PATCH", "/stock/LOG", json={"quantity": 10})
    api("PATCH", "/stock/LOG", json={"quantity": 7})
    changes = api("GET", "/stock-changes").json()["data"]
    assert [(c["quantity"], c["quantity_change"], c["user_id"]) for c in changes] == [(10, 10, 1), (7, -3, 1)]


def test_deleting_a_brand_or_supplier_clears_it_on_products(api: Api) -> None:
    brand = api("POST", "/brands", json={"name": "Halti"}).json()["data"]
    supplier = api("POST", "/suppliers", json={"name": "Tukku Oy"}).json()["data"]
    product = _product(api, brand_id=brand["id"], supplier_id=supplier["id"])
    assert api("DELETE", f"/brands/{brand['id']}").status_code == 204
    assert api("DELETE", f"/suppliers/{supplier['id']}").status_code == 204
    after = api("GET", f"/products/{product['id']}").json()["data"]
    assert (after["brand_id"], after["supplier_id"]) == (None, None)


def test_deleting_a_product_deletes_its_variations_and_stock(api: Api) -> None:
    product = _product(api, product_code="DEL")
    variation = api("POST", "/variations", json={"product_id": product["id"], "name": "M", "product_code": "DEL-M"})
    assert variation.status_code == 201
    assert api("DELETE", f"/products/{product['id']}").status_code == 204
    assert api("GET", f"/variations/{variation.json()['data']['id']}").status_code == 404
    assert api("GET", "/stock/DEL").status_code == 404 and api("GET", "/stock/DEL-M").status_code == 404
    assert _product(api, product_code="DEL")["product_code"] == "DEL"  # the code is free again


def test_orders_refer_to_products_and_customers_and_reserve_stock(fresh_seeded: Api) -> None:
    before = fresh_seeded("GET", "/stock/P0002").json()["data"]
    customer = fresh_seeded("GET", "/customers/3").json()["data"]
    body = {
        "customer_id": 3,
        "payment_method_id": 1,
        "shipping_method_id": 2,
        "products": [{"product_code": "P0002", "quantity": 2}, {"product_code": "P0001-M"}],
    }
    response = fresh_seeded("POST", "/orders", json=body)
    assert response.status_code == 201, response.text
    order = response.json()["data"]
    assert (order["status"], order["customer_information"]["email"]) == ("open", customer["email"])
    expanded = fresh_seeded("GET", f"/orders/{order['id']}?expand=products,payments,shipments,tax_summary").json()
    rows = expanded["data"]["products"]
    assert [(r["product_code"], r["quantity"], r["model_name"]) for r in rows] == [
        ("P0002", 2, ""),
        ("P0001-M", 1, "M"),
    ]
    assert order["total"] == round(sum(r["unit_price"] * r["quantity"] for r in rows), 2)
    assert expanded["data"]["payments"][0]["amount"] == order["total"]
    assert expanded["data"]["shipments"][0]["status"] == "OPEN"
    after = fresh_seeded("GET", "/stock/P0002").json()["data"]
    assert after["reserved"] == before["reserved"] + 2 and after["balance"] == after["quantity"] - after["reserved"]


def test_an_open_order_keeps_its_products_from_being_deleted(api: Api) -> None:
    product = _product(api, product_code="HELD", price=10.0)
    order = api("POST", "/orders", json={"products": [{"product_id": product["id"]}]})
    assert order.status_code == 201
    response = api("DELETE", f"/products/{product['id']}")
    assert response.status_code == 409 and "open orders" in response.json()["errors"]["id"][0].lower()


def test_orders_check_their_references(api: Api) -> None:
    assert api("POST", "/orders", json={"products": []}).json()["errors"] == {
        "products": ["An order needs at least one product row."]
    }
    assert "products.0.product_id" in api("POST", "/orders", json={"products": [{"product_id": 9}]}).json()["errors"]
    product = _product(api)
    body = {"customer_id": 9, "products": [{"product_id": product["id"]}]}
    assert api("POST", "/orders", json=body).json()["errors"] == {"customer_id": ["No customer with id 9."]}


def test_an_order_total_beyond_a_json_number_is_refused_not_sent_as_null(api: Api) -> None:
    """Found by the contract tests (SIM-5): 1.8e308 times 94607950 made subtotal/total inf, sent as null."""
    product = _product(api)
    rows = [{"product_id": product["id"], "unit_price": 1.7976931348623155e308, "quantity": 94607950}]
    response = api("POST", "/orders", json={"products": rows})
    assert (response.status_code, response.json()["errors"]) == (422, {"products": ["The order total is too large."]})
    assert api("GET", "/orders").json()["meta"]["item_count"] == 0


def test_customers_are_in_groups_and_deleting_a_group_takes_it_off(fresh_seeded: Api) -> None:
    customers = fresh_seeded("GET", "/customers?expand=customer_groups&page_size=200").json()["data"]
    member = next(c for c in customers if c["customer_groups"])
    group = member["customer_groups"][0]
    assert fresh_seeded("DELETE", f"/customer-groups/{group['id']}").status_code == 204
    after = fresh_seeded("GET", f"/customers/{member['id']}?expand=customer_groups").json()["data"]
    assert group["id"] not in [g["id"] for g in after["customer_groups"]]


def test_customer_emails_are_unique(fresh_seeded: Api) -> None:
    first = fresh_seeded("GET", "/customers/1").json()["data"]
    response = fresh_seeded("PATCH", "/customers/2", json={"email": first["email"].upper()})
    assert response.status_code == 409 and list(response.json()["errors"]) == ["email"]


def test_secondary_addresses_belong_to_their_customer(seeded: Api) -> None:
    customers = seeded("GET", "/customers?page_size=200").json()["data"]
    found = 0
    for customer in customers:
        addresses = seeded("GET", f"/customers/{customer['id']}/secondary_addresses").json()["data"]
        assert all(a["customer_id"] == customer["id"] for a in addresses)
        found += len(addresses)
    assert found > 0
    assert seeded("GET", "/customers/9999/secondary_addresses").status_code == 404
