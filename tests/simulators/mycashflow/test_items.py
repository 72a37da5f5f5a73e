"""Single items: 404, 201 with server-set fields, PATCH keeps read-only fields, 204, 409 and the 422 errors map."""

from __future__ import annotations

import re
from datetime import datetime

from .conftest import Api

OFFSET = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d")


def test_unknown_ids_are_404_naming_the_parameter(api: Api) -> None:
    response = api("GET", "/products/999")
    assert response.status_code == 404
    assert list(response.json()["errors"]) == ["productID"]
    assert api("GET", "/products/abc").status_code == 404
    assert api("GET", "/stock/NO-SUCH-CODE").status_code == 404


def test_create_answers_its_documented_status_with_server_set_id_and_iso_timestamps_with_offset(api: Api) -> None:
    response = api("POST", "/products", json={"name": "Villasukat", "price": 19.9, "id": 777, "created_at": "x"})
    assert response.status_code == 200  # V5, the vendor's worked example: "200 OK" (MCF-Q20)
    product = response.json()["data"]
    assert product["id"] == 1  # the body's id is read-only, so ignored
    assert OFFSET.fullmatch(product["created_at"]) and product["created_at"] == product["updated_at"]
    assert datetime.fromisoformat(product["created_at"]).utcoffset() is not None
    assert (product["name"], product["price"]) == ("Villasukat", 19.9)
    assert product["brand_id"] is None and product["featured"] is False  # unset fields have their type's empty value
    assert api("POST", "/products", json={"name": "Pipo"}).json()["data"]["id"] == 2


def test_patch_changes_what_it_names_and_keeps_read_only_fields(api: Api) -> None:
    created = api("POST", "/products", json={"name": "Pipo", "price": 24.9, "product_code": "PIPO"}).json()["data"]
    response = api("PATCH", f"/products/{created['id']}", json={"price": 19.9, "id": 5, "created_at": "2000-01-01"})
    assert response.status_code == 200
    updated = response.json()["data"]
    assert (updated["id"], updated["created_at"], updated["name"]) == (created["id"], created["created_at"], "Pipo")
    assert updated["price"] == 19.9
    assert updated["updated_at"] >= created["updated_at"]
    assert api("GET", f"/products/{created['id']}?expand=translations").json()["data"] == updated


def test_stock_read_only_fields_survive_a_patch(fresh_seeded: Api) -> None:
    before = fresh_seeded("GET", "/stock/P0001").json()["data"]
    response = fresh_seeded("PATCH", "/stock/P0001", json={"quantity": 5, "reserved": 99, "balance": 99, "code": "X"})
    after = response.json()["data"]
    assert (after["reserved"], after["code"]) == (before["reserved"], "P0001")
    assert after["balance"] == 5 - before["reserved"]


def test_delete_is_204_then_the_item_is_gone(api: Api) -> None:
    supplier = api("POST", "/suppliers", json={"name": "Tukku Oy"}).json()["data"]
    assert api("DELETE", f"/suppliers/{supplier['id']}").status_code == 204
    assert api("GET", f"/suppliers/{supplier['id']}").status_code == 404
    assert api("DELETE", f"/suppliers/{supplier['id']}").status_code == 404


def test_a_product_without_a_name_is_the_documented_422(api: Api) -> None:
    response = api("POST", "/products", json={"price": "cheap"})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["name"] == ["This field is required."]
    assert len(errors["price"]) == 1 and "number" in errors["price"][0]
    assert api("PATCH", "/products/1", json={"name": ""}).status_code == 404  # no product 1 in an empty store
    created = api("POST", "/products", json={"name": "x"}).json()["data"]
    assert api("PATCH", f"/products/{created['id']}", json={"name": " "}).json() == {
        "errors": {"name": ["This field is required."]}
    }


def test_nested_field_errors_are_keyed_by_their_path(api: Api) -> None:
    response = api("POST", "/products", json={"name": "x", "translations": [{"name": "y"}]})
    assert response.status_code == 422
    assert response.json()["errors"] == {"translations.0.language": ["This field is required."]}


def test_duplicate_product_codes_conflict_across_products_and_variations(api: Api) -> None:
    product = api("POST", "/products", json={"name": "Takki", "product_code": "TAKKI"}).json()["data"]
    again = api("POST", "/products", json={"name": "Toinen", "product_code": "TAKKI"})
    assert again.status_code == 409
    assert list(again.json()["errors"]) == ["product_code"]
    variation = {"product_id": product["id"], "name": "M", "product_code": "TAKKI"}
    assert api("POST", "/variations", json=variation).status_code == 409
    assert api("PATCH", f"/products/{product['id']}", json={"product_code": "TAKKI"}).status_code == 200


def test_duplicate_banner_group_codes_conflict(api: Api) -> None:
    assert api("POST", "/banner-groups", json={"code": "etusivu"}).status_code == 201
    assert api("POST", "/banner-groups", json={"code": "ETUSIVU"}).status_code == 409


def test_references_to_missing_items_are_422(api: Api) -> None:
    assert api("POST", "/products", json={"name": "x", "brand_id": 42}).json()["errors"] == {
        "brand_id": ["No brand with id 42."]
    }
    assert api("POST", "/variations", json={"name": "M"}).json()["errors"] == {
        "product_id": ["This field is required."]
    }
    assert api("POST", "/categories", json={"name": "x", "parent_id": 9}).status_code == 422


def test_a_category_cannot_move_under_its_own_subcategory(api: Api) -> None:
    root = api("POST", "/categories", json={"name": "Vaatteet"}).json()["data"]
    child = api("POST", "/categories", json={"name": "Sukat", "parent_id": root["id"]}).json()["data"]
    assert api("PATCH", f"/categories/{root['id']}", json={"parent_id": child["id"]}).status_code == 422
    assert api("GET", f"/categories/{root['id']}/subcategories").json()["data"] == [child]


def test_subcategories_expand_like_categories(api: Api) -> None:
    """Found by the contract tests (SIM-2): `expand=visibilities` on a sub-collection raised NotImplementedError."""
    root = api("POST", "/categories", json={"name": "Vaatteet"}).json()["data"]
    child = api("POST", "/categories", json={"name": "Sukat", "parent_id": root["id"]}).json()["data"]
    listed = api("GET", f"/categories/{root['id']}/subcategories?expand=visibilities")
    assert listed.status_code == 200
    assert [(item["id"], item["visibilities"]) for item in listed.json()["data"]] == [(child["id"], [])]


def test_webhooks_get_a_uuid_and_the_api_users_id(api: Api) -> None:
    body = {"topic": "order.created", "expands": ["payments", "shipments"], "url": "https://www.example.com"}
    response = api("POST", "/webhooks", json=body)
    assert response.status_code == 201
    data = response.json()["data"]
    assert re.fullmatch(r"[0-9a-f-]{36}", data["uuid"]) and data["user_id"] == 1 and "id" not in data
    assert api("POST", "/webhooks", json={**body, "expands": ["nope"]}).status_code == 422
    assert api("POST", "/webhooks", json={**body, "url": "ftp://x"}).status_code == 422


def test_images_are_uploaded_as_base64_url_or_path(api: Api) -> None:
    product = api("POST", "/products", json={"name": "x"}).json()["data"]
    upload = {"filename": "kuva.jpg", "content": "aGVsbG8=", "product_id": product["id"], "caption": "Kuva"}
    image = api("POST", "/images", json=upload).json()["data"]
    assert image["filename"] == "kuva.jpg"
    assert api("POST", "/images", json={"url": "https://cdn.example.com/a/b.png"}).json()["data"]["filename"] == "b.png"
    assert api("POST", "/images", json={"content": "not base64!"}).status_code == 422
    assert api("POST", "/images", json={}).status_code == 422
    links = api("GET", f"/products/{product['id']}?expand=image_links").json()["data"]["image_links"]
    assert links == [
        {"product_id": product["id"], "image_id": image["id"], "sort": 1, "filename": "kuva.jpg", "caption": "Kuva"}
    ]
