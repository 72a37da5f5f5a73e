"""Record small cassettes from the simulators themselves, through the validating proxy, all in-process.

`python -m tests.traffic.scenarios` rewrites contract_tests/cassettes/<api>/*.jsonl (the committed
regression cassettes that `nox -s contract` replays).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import httpx
from starlette.testclient import TestClient

from simulators.registry import load
from specforge.apis import find_root, load_apis
from tests.simulators.mash._orders import order
from trafficcheck import TrafficChecker
from trafficcheck.proxy import ProxyApp, ProxyOptions
from trafficcheck.report import DeviationReport

Scenario = Callable[[TestClient, str], None]


def mash_orders(client: TestClient, base: str) -> None:
    created = client.post(base + "/orders", json=order("CASSETTE-1")).json()
    client.get(f"{base}/orders/{created['orderId']}")
    client.post(f"{base}/orders/{created['orderId']}/charge", json={"fullDelivery": True})
    client.post(f"{base}/orders/{created['orderId']}/cancel", json={})


def mycashflow_products(client: TestClient, base: str) -> None:
    created = client.post(base + "/products", json={"name": "Villasukat", "product_code": "SOCKS-1"}).json()
    product_id = created["data"]["id"]
    client.get(f"{base}/products/{product_id}")
    client.patch(f"{base}/products/{product_id}", json={"price": 19.9})
    client.get(base + "/products")
    client.delete(f"{base}/products/{product_id}")


def mash_primer(client: TestClient, base: str) -> None:
    client.post(base + "/orders", json=order("PRIMER-1")).raise_for_status()


def mycashflow_primer(client: TestClient, base: str) -> None:
    client.post(base + "/products", json={"name": "Pipo", "product_code": "PRIMER-1"}).raise_for_status()


# Run unrecorded before a scenario, so the ids a recording holds are not those a fresh simulator gives first.
PRIMERS: dict[str, Scenario] = {"mash": mash_primer, "mycashflow": mycashflow_primer}
SCENARIOS: dict[str, dict[str, Scenario]] = {
    "mash": {"orders": mash_orders},
    "mycashflow": {"products": mycashflow_products},
}


def record(api: str, scenario: Scenario, *, before: Scenario | None = None) -> list[dict[str, Any]]:
    """The cassette entries of `scenario` run through the proxy against a fresh simulator of `api`.

    `before` runs first against the same simulator without being recorded (so recorded ids are not the first ones).
    """
    simulator = load(api)
    assert simulator.default_app is not None
    binding = load_apis(find_root())[api].contract
    assert binding is not None
    url = urlsplit(binding.in_process_url)
    origin, base = f"{url.scheme}://{url.netloc}", url.path
    app = simulator.default_app()
    if before is not None:
        with TestClient(app, base_url=origin) as direct:
            direct.auth = simulator.credentials
            before(direct, base)
    checker = TrafficChecker.for_api(api)
    cassette = io.StringIO()
    proxy = ProxyApp(
        checker,
        ProxyOptions(origin, transport=httpx.ASGITransport(app=app)),
        cassette,
        DeviationReport(api, checker.spec_sha256),
        say=lambda _: None,
    )
    with TestClient(proxy, base_url="http://proxy.test") as client:
        client.auth = simulator.credentials
        scenario(client, base)
    return [json.loads(line) for line in cassette.getvalue().splitlines()]


def main() -> None:
    for api, scenarios in SCENARIOS.items():
        for name, scenario in scenarios.items():
            path = find_root() / "contract_tests" / "cassettes" / api / f"{name}.jsonl"
            path.parent.mkdir(parents=True, exist_ok=True)
            lines = [
                json.dumps({**entry, "time": "2026-12-02T00:00:00.000+00:00", "duration_ms": 0})
                for entry in record(api, scenario)
            ]
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            print(path)


if __name__ == "__main__":
    main()
