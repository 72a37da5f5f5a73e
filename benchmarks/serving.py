"""Simulators under load (wrk) beside Prism on the same spec, their memory, and the client per call."""

from __future__ import annotations

import base64
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from mash_client.api.orders_and_invoicing import get_order

from mash_sdk import Mash

from ._measure import Figure, Stats, paired_per_call_us
from ._servers import (
    PRISM_VERSION,
    WrkResult,
    cpu_seconds,
    ensure_prism,
    ensure_wrk,
    free_port,
    rss_mib,
    running,
    wrk,
)

__all__ = [
    "client_call",
    "mash_byte_memory",
    "mash_journal_cost",
    "mash_memory",
    "mash_vs_prism",
    "mycashflow_vs_prism",
]

ROOT = Path(__file__).resolve().parents[1]
USER, PASSWORD = "simulator", "simulator-password"  # the simulator's printed default merchant: not secrets
AUTH = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
ORDER = {
    "merchantId": 23232323,
    "clientOrderId": "bench-seed",
    "paymentType": "Invoice",
    "customer": {"personId": "010771-123K", "name": "Teppo Testaaja"},
    "totalItems": 123.45,
    "orderItems": [
        {
            "articleId": "A1",
            "description": "Tuote",
            "pricePerUnit": 123.45,
            "numberOfUnits": 1,
            "vatPercent": 24,
            "type": 1,
        }
    ],
}
HEADERS = {"Accept": "application/json", "Content-Type": "application/json"}


def _simulator(port: int, *extra: str) -> list[str]:
    return [sys.executable, "-m", "simulators", "serve", "mash", "--port", str(port), *extra]


def _seed_order(base: str) -> str:
    response = httpx.post(f"{base}/api/orders", json=ORDER, headers=HEADERS, auth=(USER, PASSWORD))
    response.raise_for_status()
    order_id: str = response.json()["orderId"]
    return order_id


def _runs(measure: Callable[[], WrkResult], runs: int) -> list[WrkResult]:
    measure()  # warm-up, discarded
    return [measure() for _ in range(runs)]


def _all_answered_2xx(results: list[WrkResult], server: str) -> None:
    """Our simulator's rows must measure successes: an error answer is cheaper, so errors would flatter the rate
    (before create_order.lua sent distinct clientOrderIds from each wrk thread, ~40 % of creates were 400s)."""
    failed = sum(r.non_2xx for r in results)
    if failed:
        raise RuntimeError(f"{server}: {failed} of {sum(r.requests for r in results)} requests were not answered 2xx")


def _rate(results: list[WrkResult]) -> Stats:
    return Stats.of([r.requests_per_s for r in results])


def _p99(results: list[WrkResult]) -> Stats:
    return Stats.of([r.p99_ms for r in results])


def mash_vs_prism(runs: int, seconds: float) -> list[Figure]:
    """GET order and create order at 16 connections: the simulator vs Prism's mock of the same spec."""
    names = (
        "Mash simulator GET order, req/s at 16 connections",
        "Mash simulator create order, req/s at 16 connections",
    )
    if ensure_wrk() is None:
        return [_missing(name, "wrk could not be installed (apt-get wrk)") for name in names]
    port = free_port()
    with running(_simulator(port), port):
        base = f"http://127.0.0.1:{port}"
        order_id = _seed_order(base)
        ours_get = _runs(
            lambda: wrk(base, "get.lua", seconds, {"BENCH_PATH": f"/api/orders/{order_id}", "BENCH_AUTH": AUTH}), runs
        )
        ours_create = _runs(
            lambda: wrk(base, "create_order.lua", seconds, {"BENCH_PATH": "/api/orders", "BENCH_AUTH": AUTH}), runs
        )
        _all_answered_2xx([*ours_get, *ours_create], "the Mash simulator")
    prism = ensure_prism()
    anchor_get: list[WrkResult] | None = None
    anchor_create: list[WrkResult] | None = None
    note = ""
    if prism is None:
        note = "Prism could not be installed (npm @stoplight/prism-cli)"
    else:
        port = free_port()
        spec = ROOT / "generated" / "mash" / "openapi.yaml"
        with running([str(prism), "mock", str(spec), "-h", "127.0.0.1", "-p", str(port), "-v", "silent"], port):
            base = f"http://127.0.0.1:{port}"
            anchor_get = _runs(
                lambda: wrk(base, "get.lua", seconds, {"BENCH_PATH": "/orders/1223435", "BENCH_AUTH": AUTH}), runs
            )
            anchor_create = _runs(
                lambda: wrk(base, "create_order.lua", seconds, {"BENCH_PATH": "/orders", "BENCH_AUTH": AUTH}), runs
            )
    figures = []
    for name, ours, anchor, target, factor in (
        (names[0], ours_get, anchor_get, "≥ 3× Prism", 3.0),
        (names[1], ours_create, anchor_create, "≥ 2× Prism", 2.0),
    ):
        figure = Figure(
            name=name, unit="req/s", ours=_rate(ours), anchor_name=f"Prism {PRISM_VERSION} mock, `-v silent`",
            anchor=_rate(anchor) if anchor else None, target=target, higher_is_better=True, note=note,
            extra={"p50_ms": statistics.median(r.p50_ms for r in ours), "non_2xx": sum(r.non_2xx for r in ours),
                   "anchor_non_2xx": sum(r.non_2xx for r in anchor) if anchor else None},
        )  # fmt: skip
        figure.met = figure.ratio is not None and figure.ratio >= factor
        figures.append(figure)
        latency = Figure(
            name=name.replace("req/s", "p99 latency"), unit="ms", ours=_p99(ours), anchor_name="Prism, same run",
            anchor=_p99(anchor) if anchor else None, target="p99 < 20 ms",
        )  # fmt: skip
        latency.met = latency.ours is not None and latency.ours.median < 20
        figures.append(latency)
    return figures


MCF_USER, MCF_KEY = "api@example-store.fi", "65d5eab67796ad2ddd03be2808fec34a8cc35921"  # printed defaults
MCF_AUTH = base64.b64encode(f"{MCF_USER}:{MCF_KEY}".encode()).decode()


def mycashflow_vs_prism(runs: int, seconds: float) -> list[Figure]:
    """Alternating list (20 products) and get product at 16 connections: the HTTPS simulator vs Prism."""
    name = "MyCashflow simulator list + get products over HTTPS, req/s at 16 connections"
    if ensure_wrk() is None:
        return [_missing(name, "wrk could not be installed (apt-get wrk)")]
    port = free_port()
    with tempfile.TemporaryDirectory() as certs:
        command = [sys.executable, "-m", "simulators", "serve", "mycashflow", "--port", str(port),
                   "--no-plain-http", "--cert-dir", certs]  # fmt: skip
        with running(command, port):
            base = f"https://127.0.0.1:{port}"
            first = httpx.get(
                f"{base}/api/v1/products?page_size=1", auth=(MCF_USER, MCF_KEY), verify=str(Path(certs) / "ca.pem")
            ).json()["data"][0]["id"]
            env = {"BENCH_LIST_PATH": "/api/v1/products?page_size=20", "BENCH_PATH": f"/api/v1/products/{first}",
                   "BENCH_AUTH": MCF_AUTH}  # fmt: skip
            ours = _runs(lambda: wrk(base, "list_get.lua", seconds, env), runs)
            _all_answered_2xx(ours, "the MyCashflow simulator")
    prism = ensure_prism()
    anchor: list[WrkResult] | None = None
    if prism is not None:
        port = free_port()
        spec = ROOT / "generated" / "mycashflow" / "openapi.yaml"
        with running([str(prism), "mock", str(spec), "-h", "127.0.0.1", "-p", str(port), "-v", "silent"], port):
            env = {"BENCH_LIST_PATH": "/products?page_size=20", "BENCH_PATH": "/products/1", "BENCH_AUTH": MCF_AUTH}
            anchor = _runs(lambda: wrk(f"http://127.0.0.1:{port}", "list_get.lua", seconds, env), runs)
    figure = Figure(
        name=name, unit="req/s", ours=_rate(ours),
        anchor_name=f"Prism {PRISM_VERSION} mock (plain HTTP: Prism has no TLS)",
        anchor=_rate(anchor) if anchor else None, target="≥ 2× Prism", higher_is_better=True,
        note="" if prism else "Prism could not be installed (npm @stoplight/prism-cli)",
        extra={"p99_ms": statistics.median(r.p99_ms for r in ours), "non_2xx": sum(r.non_2xx for r in ours),
               "anchor_non_2xx": sum(r.non_2xx for r in anchor) if anchor else None},
    )  # fmt: skip
    figure.met = figure.ratio is not None and figure.ratio >= 2.0
    return [figure]


def mash_journal_cost(runs: int, seconds: float) -> list[Figure]:
    """Create and get order with the request journal on (`--control`, its default size) vs off (`--journal-size 0`).

    What the journal costs is measured as the server's own CPU per request (/proc/<pid>/stat around each wrk
    run), turned into requests per CPU-second: on 2 cores shared by wrk, the server and whatever else runs,
    wall-clock req/s swings by more than the 10 % being checked (an A/A run of two journal-off servers gave
    0.67x under load), while the server's CPU per request does not depend on who else uses the machine.
    Both servers run at once and the runs alternate on/off, off/on, so what load there is hits both alike;
    the wall-clock req/s are kept in the row's extra figures.
    """
    names = (
        "Mash simulator create order with the request journal, requests per server CPU-second (wrk, 16 connections)",
        "Mash simulator GET order with the request journal, requests per server CPU-second (wrk, 16 connections)",
    )
    if ensure_wrk() is None:
        return [_missing(name, "wrk could not be installed (apt-get wrk)") for name in names]
    on_port, off_port = free_port(), free_port()
    with (
        running(_simulator(on_port, "--control"), on_port) as on_pid,
        running(_simulator(off_port, "--control", "--journal-size", "0"), off_port) as off_pid,
    ):
        servers = {"on": (f"http://127.0.0.1:{on_port}", on_pid), "off": (f"http://127.0.0.1:{off_port}", off_pid)}
        ids: dict[str, str] = {}
        per_cpu_s: dict[tuple[str, str], list[float]] = {}
        wall: dict[tuple[str, str], list[float]] = {}

        def measure(script: str, get: bool, key: str) -> tuple[float, float]:
            base, pid = servers[key]
            env = {"BENCH_PATH": f"/api/orders/{ids[key]}" if get else "/api/orders", "BENCH_AUTH": AUTH}
            before = cpu_seconds(pid)
            result = wrk(base, script, seconds, env)
            used = cpu_seconds(pid) - before
            if result.non_2xx:  # a 400 or 404 costs less than a 201 or 200: a comparison of errors is not one
                raise RuntimeError(f"{key}: {result.non_2xx} of {result.requests} requests of {script} failed")
            return result.requests / used if used > 0 else 0.0, result.requests_per_s

        for script, get in (("create_order.lua", False), ("get.lua", True)):
            # Seeded now, after the creates: those fill the store to its cap, which evicts the oldest orders.
            ids = {key: _seed_order(base) for key, (base, _) in servers.items()}
            for key in servers:  # warm-up, discarded
                measure(script, get, key)
            for index in range(runs):
                for key in ("on", "off") if index % 2 == 0 else ("off", "on"):
                    rate, req_s = measure(script, get, key)
                    per_cpu_s.setdefault((script, key), []).append(rate)
                    wall.setdefault((script, key), []).append(req_s)
    figures = []
    for name, script in zip(names, ("create_order.lua", "get.lua"), strict=True):
        figure = Figure(
            name=name, unit="req/CPU-s", ours=Stats.of(per_cpu_s[(script, "on")]),
            anchor_name="journal off (--journal-size 0)", anchor=Stats.of(per_cpu_s[(script, "off")]),
            target="≥ 0.90× (costs ≤ 10 %)", higher_is_better=True,
            note="server CPU per request, not wall clock: see benchmarks/serving.py mash_journal_cost",
            extra={"wall_req_s_on": Stats.of(wall[(script, "on")]).median,
                   "wall_req_s_off": Stats.of(wall[(script, "off")]).median},
        )  # fmt: skip
        figure.met = figure.ratio is not None and figure.ratio >= 0.90
        figures.append(figure)
    return figures


def _missing(name: str, why: str) -> Figure:
    return Figure(name=name, unit="", ours=None, anchor_name="—", anchor=None, target="—", note=why)


def mash_memory(orders: int, cap: int) -> Figure:
    """RSS after creating `orders` orders with the store capped at `cap`, against RSS when just full."""
    name = f"Mash simulator RSS after ≥ {orders:,} created orders (store cap {cap:,})"
    if ensure_wrk() is None:
        return _missing(name, "wrk could not be installed")
    port = free_port()
    with running(_simulator(port, "--max-records", str(cap)), port) as pid:
        base = f"http://127.0.0.1:{port}"
        env = {"BENCH_PATH": "/api/orders", "BENCH_AUTH": AUTH}
        # Exactly `cap` orders first (a plain keep-alive loop: this is a fill, not a throughput figure).
        with httpx.Client(base_url=f"{base}/api", auth=(USER, PASSWORD), headers=HEADERS) as client:
            for index in range(cap):
                client.post("/orders", json={**ORDER, "clientOrderId": f"fill-{index}"}).raise_for_status()
        at_cap = rss_mib(pid)
        _create_until(base, env, orders - cap)
        after = rss_mib(pid)
    figure = Figure(
        name=name, unit="MiB", ours=Stats(after, after, after, 1), anchor_name=f"RSS when the store first held {cap:,}",
        anchor=Stats(at_cap, at_cap, at_cap, 1), target="bounded by the store cap",
    )  # fmt: skip
    figure.met = figure.ratio is not None and figure.ratio <= 1.2
    return figure


def _heavy_order(index: int, size: int) -> dict[str, object]:
    """A valid order of about `size` bytes of JSON: items with 1,000-character descriptions."""
    item = {**ORDER["orderItems"][0], "description": "x" * 1000, "pricePerUnit": 1}  # type: ignore[index]
    items = [{**item, "articleId": f"A{number}"} for number in range(max(1, size // 1100))]  # ids are unique
    return {**ORDER, "clientOrderId": f"heavy-{index}", "orderItems": items}


def mash_byte_memory(store_bytes: int, record_bytes: int, fills: int) -> Figure:
    """RSS after offering `fills` times the byte cap in orders just under the record cap (issue 13's attack was
    100 orders of ~0.9 MB: RSS 66 → 319 MB), against RSS when the orders first filled the cap once."""
    name = (
        f"Mash simulator RSS after {fills}× its byte cap in orders of ~{record_bytes * 0.9 / 1024:.0f} KiB "
        f"(--max-store-bytes {store_bytes // 2**20} MiB)"
    )
    port = free_port()
    command = _simulator(port, "--max-store-bytes", str(store_bytes), "--max-record-bytes", str(record_bytes))
    per_cap = store_bytes // int(record_bytes * 0.9) + 1
    with running(command, port) as pid:
        started = rss_mib(pid)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}/api", auth=(USER, PASSWORD), headers=HEADERS) as client:
            for index in range(per_cap * fills):
                client.post("/orders", json=_heavy_order(index, int(record_bytes * 0.9)), timeout=60).raise_for_status()
                if index == per_cap - 1:
                    at_cap = rss_mib(pid)
        after = rss_mib(pid)
    figure = Figure(
        name=name, unit="MiB", ours=Stats(after, after, after, 1),
        anchor_name="RSS when the orders first filled the byte cap", anchor=Stats(at_cap, at_cap, at_cap, 1),
        target="bounded by the byte cap", note=f"RSS at start {started:.0f} MiB; {per_cap * fills} orders sent",
    )  # fmt: skip
    figure.met = figure.ratio is not None and figure.ratio <= 1.2
    return figure


def _create_until(base: str, env: dict[str, str], count: int) -> int:
    """Create at least `count` orders with wrk, in short runs; returns how many the simulator took."""
    sent = 0
    while sent < count:
        result = wrk(base, "create_order.lua", 1 if count - sent < 20_000 else 3, env)
        sent += result.requests - result.non_2xx  # only orders the simulator took
    return sent


def client_call(calls: int, runs: int) -> Figure:
    """get-order over loopback HTTP against the simulator: the generated client vs raw httpx + json.loads."""
    port = free_port()
    with running(_simulator(port), port):
        base = f"http://127.0.0.1:{port}"
        order_id = _seed_order(base)
        raw = httpx.Client(base_url=f"{base}/api", auth=(USER, PASSWORD), headers={"Accept": "application/json"})
        mash = Mash(username=USER, password=PASSWORD, base_url=f"{base}/api", allow_insecure=True)

        def raw_call() -> object:
            response = raw.get(f"/orders/{order_id}")
            response.raise_for_status()
            return json.loads(response.content)

        def client() -> object:
            return get_order.sync(order_id, client=mash)

        # This thread's CPU time: the client's own cost, not the simulator's nor the wait for a loaded machine.
        ours, anchor = paired_per_call_us(client, raw_call, calls, max(runs, 5), timer=time.thread_time)
    figure = Figure(
        name="generated client get-order call over loopback HTTP (client CPU µs per call)", unit="µs",
        ours=Stats.of(ours), anchor_name="raw httpx request + json.loads, same endpoint", anchor=Stats.of(anchor),
        target="≤ 1.3×", note="thread CPU time of the calling thread (the simulator runs in its own process); "
        "rounds interleaved",
    )  # fmt: skip
    figure.met = figure.ratio is not None and figure.ratio <= 1.3
    return figure
