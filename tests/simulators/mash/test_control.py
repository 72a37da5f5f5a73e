"""Control endpoints: reset, seed, clock, inspect (mounted by create_app(control=True) / --control)."""

from __future__ import annotations

from starlette.testclient import TestClient

from ._orders import APPROVED, MERCHANT_ID, order
from .conftest import Api


def test_reset_forgets_orders_and_rewinds_the_clock(api: Api, mash: TestClient) -> None:
    created = api("POST", "/orders", json=order("A1")).json()
    mash.post("/_sim/clock/advance", json={"days": 3})
    assert mash.post("/_sim/reset").status_code == 200
    assert api("GET", f"/orders/{created['orderId']}").json()["errorCode"] == 20002
    assert api("POST", "/orders", json=order("A1")).status_code == 200  # the default merchant is back


def test_seeded_merchants_can_use_their_keys_at_once(api: Api, mash: TestClient) -> None:
    seeded = mash.post("/_sim/seed", json={"merchants": [{"merchantId": 42, "username": "shop42", "password": "pw"}]})
    assert seeded.json() == {"merchants": [42]}
    r = api("POST", "/orders", auth=("shop42", "pw"), json=order("A1", merchantId=42))
    assert r.status_code == 200


def test_bad_seeds_and_clock_moves_are_400(mash: TestClient) -> None:
    assert mash.post("/_sim/seed", content=b"{").status_code == 400
    assert mash.post("/_sim/seed", json={"merchants": [{"merchantId": "x"}]}).status_code == 400
    assert mash.post("/_sim/clock/advance", json={"days": -1}).status_code == 400
    assert mash.post("/_sim/clock/advance", json=[1]).status_code == 400


def test_inspect_shows_what_the_api_masks(api: Api, mash: TestClient) -> None:
    created = api("POST", "/orders", json=order("A1")).json()
    inside = mash.get(f"/_sim/orders/{created['orderId']}").json()
    assert inside["personIdUnmasked"] == APPROVED and inside["merchantId"] == MERCHANT_ID
    assert inside["expires"] is not None and inside["expired"] is False
    assert mash.get(f"/_sim/client-orders/A1?merchantId={MERCHANT_ID}").json()["orderId"] == created["orderId"]
    assert mash.get("/_sim/orders/1").status_code == 404
    assert mash.get("/_sim/nothing/1").status_code == 404
