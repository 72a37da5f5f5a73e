"""The request journal's cost per request, next to the simulator's own time per request, in one process.

wrk over loopback (serving.mash_journal_cost) is the end-to-end figure, but on a shared 2-core machine its
runs swing by 3x; this one measures what the journal adds (`_Exchange` + `Journal.record`, the best of
several repeats) against the time the Mash app takes for a GET order without a journal (driven through ASGI
directly, no network: the smallest per-request time, so the largest share the journal can be).
"""

from __future__ import annotations

import asyncio
import base64
import time
import timeit

import orjson

from simulators._serving import Harness
from simulators._serving.app import _Exchange
from simulators._serving.journal import Journal
from simulators.mash import create_app

from ._measure import Figure, Stats

__all__ = ["journal_cost"]

_AUTH = b"Basic " + base64.b64encode(b"simulator:simulator-password")  # the printed default merchant
_HEADERS = [(b"authorization", _AUTH), (b"accept", b"application/json"), (b"content-type", b"application/json")]
_ORDER = {
    "merchantId": 23232323, "clientOrderId": "journal-bench", "paymentType": "Invoice",
    "customer": {"personId": "010771-123K", "name": "Teppo Testaaja"},
    "orderItems": [{"articleId": "A1", "description": "Tuote", "pricePerUnit": 123.45, "numberOfUnits": 1,
                    "vatPercent": 24, "type": 1}],
}  # fmt: skip


async def _call(app: object, method: str, path: str, body: bytes = b"") -> list[dict[str, object]]:
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path, "query_string": b"", "headers": _HEADERS}
    await app(scope, receive, send)  # type: ignore[operator]
    return sent


async def _app_us_per_get(calls: int, repeats: int) -> list[float]:
    app = create_app(control=True, harness=Harness.of(journal_size=0))
    created = await _call(app, "POST", "/api/orders", orjson.dumps(_ORDER))
    order_id = orjson.loads(created[1]["body"])["orderId"]  # type: ignore[arg-type]
    path = f"/api/orders/{order_id}"
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        for _ in range(calls):
            await _call(app, "GET", path)
        times.append((time.perf_counter() - started) / calls * 1e6)
    return times


def _record_us(calls: int, repeats: int) -> list[float]:
    journal = Journal()
    body = orjson.dumps({"orderId": "1223435", "status": "Approved", "totalAmount": 617.25}) * 8

    def one() -> None:
        exchange = _Exchange()
        journal.record("getOrder", "GET", "/api/orders/1223435", 200, time.perf_counter(), exchange.raw, body)

    return [t / calls * 1e6 for t in timeit.repeat(one, number=calls, repeat=repeats)]


def journal_cost(repeats: int) -> Figure:
    """µs the journal adds per request against µs per GET order in the app itself (best of `repeats`)."""
    app = asyncio.run(_app_us_per_get(2000, repeats))
    record = _record_us(100_000, repeats)
    figure = Figure(
        name="request journal: µs added per request (in-process, vs the app's own GET order)", unit="µs",
        ours=Stats.of(record),
        anchor_name="Mash app GET order through ASGI, journal off", anchor=Stats.of(app), target="≤ 0.10×",
        note="the end-to-end wrk rows (mash-journal) swing too much on a shared machine to show 10 %",
    )  # fmt: skip
    figure.met = figure.ratio is not None and figure.ratio <= 0.10
    return figure
