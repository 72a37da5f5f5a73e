"""A deliberately deviant Mash upstream: each route differs from the patched spec in one known way.

Bodies start from the spec's own documented examples (so an unmutated answer is valid) and are then bent:
a list where an object is documented, null, an undocumented field, an undocumented enum value, a date-time
where a date is documented, an undocumented status, plus a 5xx, a slow answer and a non-JSON answer; and in
headers: a JSON body under an undocumented media type, and a rate-limit header whose value is no number (the
spec documents no response header: tests that check headers document it in a copy of the spec).
"""

from __future__ import annotations

import asyncio
import copy
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from specforge.patched import load_patched

GOOD_ORDER = "1"  # getOrder for this id answers the documented example unchanged
SLOW_SECONDS = 0.3
VENDOR_MEDIA_TYPE = "application/vnd.mash.v1+json"  # addMerchant's answer: documented as application/json
RATE_LIMIT = ("x-ratelimit-remaining", "plenty")  # on every getOrder answer
INVOICE = {"id": 7, "duedate": "2026-12-01", "invoicedate": "2026-11-17T10:00:00Z", "totalAmount": 10.0}


def documented_example(path: str, method: str, status: str = "200") -> dict[str, Any]:
    """The first documented example of one response of the patched Mash spec."""
    content = load_patched("mash").document["paths"][path][method]["responses"][status]["content"]
    examples = content["application/json"]["examples"]
    value: dict[str, Any] = copy.deepcopy(next(iter(examples.values()))["value"])
    return value


def bent_order() -> dict[str, Any]:
    """The charged-order example, bent in five of section 2's six ways (the sixth is a status code)."""
    order = documented_example("/orders/{orderId}/charge", "post")
    order["customer"] = [order["customer"]]  # a list where an object is documented
    order["invoicingAddress"] = None  # null where an object is documented
    order["loyaltyTier"] = "gold"  # an undocumented field
    order["status"] = "OnHold"  # an undocumented enum value
    # A date-time where a date is documented (the example has no invoice: one is added, valid but for that).
    order["invoices"] = [{**INVOICE, "duedate": "2026-12-01T00:00:00Z"}]
    return order


async def get_order(request: Request) -> Response:
    headers = dict([RATE_LIMIT])
    if request.path_params["orderId"] == GOOD_ORDER:
        return JSONResponse(documented_example("/orders/{orderId}/charge", "post"), headers=headers)
    return JSONResponse(bent_order(), headers=headers)


async def add_merchant(request: Request) -> Response:
    return JSONResponse(documented_example("/merchants", "post"), media_type=VENDOR_MEDIA_TYPE)


async def cancel_order(request: Request) -> Response:
    return JSONResponse({"errorCode": "ORDER_LOCKED", "message": "locked"}, status_code=409)  # undocumented status


async def payout_report(request: Request) -> Response:
    return PlainTextResponse("upstream maintenance", status_code=503)


async def pricing(request: Request) -> Response:
    await asyncio.sleep(float(request.app.state.slow_seconds))
    return JSONResponse(documented_example("/pricing", "get"))


async def person_info(request: Request) -> Response:
    return Response("<html><body>Service page</body></html>", media_type="text/html")  # not JSON


def create_app(slow_seconds: float = SLOW_SECONDS) -> Starlette:
    app = Starlette(
        routes=[
            Route("/api/orders/{orderId}", get_order, methods=["GET"]),
            Route("/api/orders/{orderId}/cancel", cancel_order, methods=["POST"]),
            Route("/api/merchants", add_merchant, methods=["POST"]),
            Route("/api/merchants/{merchantId}/report", payout_report, methods=["GET"]),
            Route("/api/pricing", pricing, methods=["GET"]),
            Route("/api/personinfo", person_info, methods=["GET"]),
        ]
    )
    app.state.slow_seconds = slow_seconds
    return app
