"""Collections: page, page_size (default 50, a documented maximum), sort, expand as a comma list, filters, meta."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from simulators.mycashflow import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

from .conftest import Api, examples


def test_the_default_page_is_the_first_50_and_meta_adds_up(seeded: Api) -> None:
    body = seeded("GET", "/products").json()
    assert [p["id"] for p in body["data"]] == list(range(1, DEFAULT_PAGE_SIZE + 1))
    assert body["meta"] == {
        "page": 1,
        "page_size": 50,
        "page_count": 6,
        "item_count": 300,
        "next": "/api/v1/products?page=2",
    }


def test_page_zero_is_the_first_page_and_past_the_end_is_empty(seeded: Api) -> None:
    assert seeded("GET", "/products?page=0").json()["data"] == seeded("GET", "/products?page=1").json()["data"]
    past = seeded("GET", "/products?page=7").json()
    assert past["data"] == [] and past["meta"]["item_count"] == 300 and "next" not in past["meta"]


def test_a_page_far_past_the_end_is_empty_and_an_unencodable_one_is_422(seeded: Api) -> None:
    """Found by the contract tests (SIM-4): page=2**53 raised ValueError from islice (a 500 over HTTP)."""
    for page in (2**53, 2**63 - 1):
        response = seeded("GET", f"/products?page={page}&page_size=1024")
        assert response.status_code == 200
        assert (response.json()["data"], response.json()["meta"]["page"]) == ([], page)
    assert seeded("GET", f"/products?page={2**63}").json()["errors"]["page"] == [
        f"page must be at most {2**63 - 1}, got {2**63}."
    ]


def test_page_size_has_a_documented_maximum_and_a_clear_error(seeded: Api) -> None:
    assert len(seeded("GET", f"/products?page_size={MAX_PAGE_SIZE}").json()["data"]) == 300
    for size in (0, -1, MAX_PAGE_SIZE + 1):
        response = seeded("GET", f"/products?page_size={size}")
        assert response.status_code == 422
        assert response.json()["errors"]["page_size"] == [
            f"page_size must be between 1 and {MAX_PAGE_SIZE}, got {size}."
        ]
    assert seeded("GET", "/products?page_size=ten").json()["errors"]["page_size"]
    assert seeded("GET", "/products?page=-1").status_code == 422


def test_sort_takes_the_specs_values_only(seeded: Api) -> None:
    ids = [p["id"] for p in seeded("GET", "/products?sort=id-desc&page_size=3").json()["data"]]
    assert ids == [300, 299, 298]
    response = seeded("GET", "/products?sort=name-asc")
    assert response.status_code == 422 and "id-asc, id-desc" in response.json()["errors"]["sort"][0]
    orders = seeded("GET", "/orders?sort=updated_at-desc&page_size=200").json()["data"]
    stamps = [o["updated_at"] for o in orders]
    assert stamps == sorted(stamps, reverse=True)


def test_expand_is_a_comma_separated_list_of_the_specs_values(seeded: Api) -> None:
    product = seeded("GET", "/products/1?expand=translations,brand,variations.stock_item").json()["data"]
    assert {"translations", "brand", "variations"} <= set(product)
    assert all("stock_item" in v for v in product["variations"])
    assert "translations" not in seeded("GET", "/products/1").json()["data"]
    response = seeded("GET", "/products?expand=translations,nope")
    assert response.status_code == 422 and "nope" in response.json()["errors"]["expand"][0]


def test_filters_from_the_spec(seeded: Api) -> None:
    assert [p["id"] for p in seeded("GET", "/products?id=5,3,400").json()["data"]] == [3, 5]
    open_orders = seeded("GET", "/orders?status=open&page_size=500").json()
    assert open_orders["meta"]["item_count"] == 30 and {o["status"] for o in open_orders["data"]} == {"open"}
    some = seeded("GET", "/orders?page_size=500").json()["data"][10]
    since = seeded("GET", f"/orders?created_at-from={some['created_at'].replace('+', '%2B')}&page_size=500").json()
    assert min(o["id"] for o in since["data"]) == some["id"]  # inclusive, and the seeded ids follow time
    changes = seeded("GET", "/stock-changes?stock_item_id=1").json()["data"]
    assert changes and {c["stock_item_id"] for c in changes} == {1}
    bad = seeded("GET", "/orders?created_at-from=yesterday")
    assert bad.status_code == 422 and "created_at-from" in bad.json()["errors"]


def test_unknown_query_parameters_are_ignored(seeded: Api) -> None:
    assert seeded("GET", "/products?colour=red").status_code == 200


@examples(share=4)
@given(
    page_size=st.integers(1, 120),
    sort=st.sampled_from(["id-asc", "id-desc"]),
    status=st.sampled_from([None, "open", "completed", "cancelled"]),
)
def test_walking_all_pages_returns_every_item_once_in_order(
    seeded: Api, page_size: int, sort: str, status: str | None
) -> None:
    query = f"sort={sort}&page_size={page_size}" + (f"&status={status}" if status else "")
    everything = seeded("GET", f"/orders?{query.replace(f'page_size={page_size}', 'page_size=10000')}").json()["data"]
    seen: list[int] = []
    page, pages = 1, 0
    while True:
        body = seeded("GET", f"/orders?{query}&page={page}").json()
        meta = body["meta"]
        assert (meta["page"], meta["page_size"], meta["item_count"]) == (page, page_size, len(everything))
        assert meta["page_count"] == math.ceil(len(everything) / page_size)
        pages = meta["page_count"]
        seen.extend(order["id"] for order in body["data"])
        if "next" not in meta:
            break
        assert meta["next"].endswith(f"page={page + 1}") or f"page={page + 1}&" in meta["next"]
        page += 1
    assert page == max(pages, 1)
    assert seen == [order["id"] for order in everything]
    assert len(set(seen)) == len(seen)
