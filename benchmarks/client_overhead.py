"""Per-call cost of `get_order.sync(..., client=Mash(...))` against a raw httpx call + json.loads.

Both send the same GET /orders/{id} through the same in-process transport (an httpx.MockTransport
answering with the spec's getOrder example), so the difference is the client: request building, Basic
auth, the retry transport, status dispatch and `OrderResult.from_dict`. Prints figures, asserts nothing.
Run: `python -m benchmarks.client_overhead [calls]`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import httpx
from mash_client import AuthenticatedClient
from mash_client.api.orders_and_invoicing import get_order
from mash_client.models import OrderResult

from mash_sdk import Mash
from specforge.patched import load_patched

from ._measure import per_call_us

ROOT = Path(__file__).resolve().parents[1]
SPEC = load_patched("mash").document
EXAMPLE = SPEC["paths"]["/orders/{orderId}"]["get"]["responses"]["200"]["content"]["application/json"]
BODY = json.dumps(next(iter(EXAMPLE["examples"].values()))["value"]).encode()


def _answer(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, content=BODY, headers={"Content-Type": "application/json"})


def main(calls: int) -> None:
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

    bare = AuthenticatedClient(
        base_url="https://fi.mash.com/api", username="merchant", password="secret", httpx_args={"transport": transport}
    )

    def bare_call() -> object:
        return get_order.sync("1223435", client=bare)

    def decode_only() -> object:
        return OrderResult.from_dict(json.loads(BODY))

    raw_us = per_call_us(raw_call, calls, rounds=7)
    sdk_us = per_call_us(sdk_call, calls, rounds=7)
    bare_us = per_call_us(bare_call, calls, rounds=7)
    decode_us = per_call_us(decode_only, calls, rounds=7)
    print(f"calls per round: {calls}, median of 7 rounds, Python {sys.version.split()[0]}")
    print(f"raw httpx + json.loads : {raw_us:8.1f} µs/call")
    print(f"Mash + get_order.sync  : {sdk_us:8.1f} µs/call  (ratio {sdk_us / raw_us:.2f}x)")
    print(f"generated client alone : {bare_us:8.1f} µs/call  (ratio {bare_us / raw_us:.2f}x, without the retry layer)")
    print(f"overhead of Mash       : {sdk_us - raw_us:8.1f} µs/call")
    print(f"  of which OrderResult.from_dict : {decode_us:.1f} µs")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
