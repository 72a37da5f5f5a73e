"""`python -m simulators serve mash`: flags reach the app, and the banner prints the merchant's keys."""

from __future__ import annotations

import argparse

from starlette.testclient import TestClient

from mash_sdk import Mash
from simulators._serving import ServeOptions
from simulators.mash.serve import SIMULATOR

from ._orders import JSON, order


def test_the_banner_prints_the_configured_merchant_and_its_keys_work() -> None:
    parser = argparse.ArgumentParser()
    SIMULATOR.add_arguments(parser)
    args = parser.parse_args(["--merchant-id", "555", "--username", "shop", "--password", "pw"])
    app, banner = SIMULATOR.build(args, ServeOptions(host="127.0.0.1", port=8080, control=False, max_records=10))
    text = "\n".join(banner)
    assert "merchantId=555 username=shop password=pw" in text
    assert "http://127.0.0.1:8080/api" in text
    with TestClient(app, base_url="http://mash.test") as client:
        r = client.post("/api/orders", json=order("A1", merchantId=555), auth=("shop", "pw"), headers=JSON)
        assert r.status_code == 200


def test_the_store_cap_evicts_the_oldest_orders() -> None:
    parser = argparse.ArgumentParser()
    SIMULATOR.add_arguments(parser)
    app, _ = SIMULATOR.build(parser.parse_args([]), ServeOptions("127.0.0.1", 8080, control=False, max_records=2))
    with TestClient(app, base_url="http://mash.test") as client:
        ids = [
            client.post(
                "/api/orders", json=order(f"A{i}"), auth=("simulator", "simulator-password"), headers=JSON
            ).json()["orderId"]
            for i in range(3)
        ]
        codes = [
            client.get(f"/api/orders/{i}", auth=("simulator", "simulator-password"), headers=JSON).status_code
            for i in ids
        ]
    assert codes == [400, 200, 200]


def test_the_sdk_settings_for_the_simulator_build_a_working_client() -> None:
    parser = argparse.ArgumentParser()
    SIMULATOR.add_arguments(parser)
    args = parser.parse_args(["--username", "shop", "--password", "pw"])
    assert SIMULATOR.environment is not None
    environ = dict(SIMULATOR.environment(args, ServeOptions("127.0.0.1", 8080, False, 10), None))
    assert Mash.from_env(environ).base_url == "http://127.0.0.1:8080/api"
