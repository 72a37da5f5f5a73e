"""Per-call cost of `get_order.sync(..., client=Mash(...))` against a raw httpx call + json.loads, in-process.

Both send the same GET /orders/{id} through the same in-process transport (an httpx.MockTransport
answering with the spec's getOrder example), so the difference is the client: request building, Basic
auth, the retry transport with its deadline and size cap, status dispatch and the tolerant
`OrderResult.from_dict` (issue 14: "the in-process get-order call stays ≤ 1.3x raw httpx + json.loads").
Prints figures, asserts nothing. Run: `python -m benchmarks.client_overhead [calls]` for the breakdown.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from mash_client import AuthenticatedClient
from mash_client.api.orders_and_invoicing import get_order
from mash_client.models import OrderResult

from mash_sdk import Mash
from specforge.patched import load_patched

from ._measure import Figure, Stats, paired_per_call_us, per_call_us

__all__ = ["in_process"]

ROOT = Path(__file__).resolve().parents[1]
SPEC = load_patched("mash").document
EXAMPLE = SPEC["paths"]["/orders/{orderId}"]["get"]["responses"]["200"]["content"]["application/json"]
BODY = json.dumps(next(iter(EXAMPLE["examples"].values()))["value"]).encode()
TARGET = 1.3


def _answer(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, content=BODY, headers={"Content-Type": "application/json"})


def _calls() -> tuple[Callable[[], object], Callable[[], object]]:
    """The SDK call and its anchor (raw httpx + json.loads), over one shared in-process transport."""
    transport = httpx.MockTransport(_answer)
    raw = httpx.Client(
        base_url="https://fi.mash.com/api",
        transport=transport,
        auth=("merchant", "secret"),
        headers={"Accept": "application/json"},
    )
    mash = Mash(username="merchant", password="secret", transport=transport)
    mash.get_httpx_client()

    def raw_call() -> object:
        response = raw.get("/orders/1223435")
        response.raise_for_status()
        return json.loads(response.content)

    def sdk_call() -> object:
        return get_order.sync("1223435", client=mash)

    return sdk_call, raw_call


def in_process(calls: int, rounds: int) -> Figure:
    """The bench row: CPU µs per call of this thread (other processes' load does not count), rounds interleaved."""
    sdk_call, raw_call = _calls()
    ours, anchor = paired_per_call_us(sdk_call, raw_call, calls, rounds, timer=time.thread_time)
    figure = Figure(
        name="generated client get-order call in-process, tolerant decoding included (CPU µs per call)",
        unit="µs", ours=Stats.of(ours), anchor_name="raw httpx request + json.loads, same httpx.MockTransport",
        anchor=Stats.of(anchor), target=f"≤ {TARGET}×",
        note=f"{rounds} interleaved rounds of {calls} calls; thread CPU time; breakdown: "
        "`python -m benchmarks.client_overhead`",
    )  # fmt: skip
    figure.met = figure.ratio is not None and figure.ratio <= TARGET
    return figure


def main(calls: int) -> None:
    sdk_call, raw_call = _calls()
    transport = httpx.MockTransport(_answer)
    bare = AuthenticatedClient(
        base_url="https://fi.mash.com/api", username="merchant", password="secret", httpx_args={"transport": transport}
    )

    def bare_call() -> object:
        return get_order.sync("1223435", client=bare)

    def decode_only() -> object:
        return OrderResult.from_dict(json.loads(BODY))

    sdk_us, raw_us = (statistics.median(values) for values in paired_per_call_us(
        sdk_call, raw_call, calls, rounds=7, timer=time.thread_time))  # fmt: skip
    bare_us = per_call_us(bare_call, calls, rounds=7)
    decode_us = per_call_us(decode_only, calls, rounds=7)
    print(f"calls per round: {calls}, median of 7 rounds, Python {sys.version.split()[0]}")
    print(f"raw httpx + json.loads : {raw_us:8.1f} µs/call (thread CPU)")
    ratio = sdk_us / raw_us
    print(f"Mash + get_order.sync  : {sdk_us:8.1f} µs/call (thread CPU, ratio {ratio:.2f}x, target ≤ {TARGET}x)")
    print(f"generated client alone : {bare_us:8.1f} µs/call (wall, without the retry layer)")
    print(f"overhead of Mash       : {sdk_us - raw_us:8.1f} µs/call")
    print(f"  of which json.loads + OrderResult.from_dict : {decode_us:.1f} µs (wall)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
