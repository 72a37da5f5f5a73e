"""Building blocks for Mash simulator tests: valid test identities and request bodies."""

from __future__ import annotations

import base64
from typing import Any

from simulators.mash import DEFAULT_MERCHANT
from simulators.mash.identities import hetu_check

MERCHANT_ID = DEFAULT_MERCHANT.merchant_id
AUTH = (DEFAULT_MERCHANT.username, DEFAULT_MERCHANT.password)
JSON = {"Accept": "application/json"}
BASE = "http://mash.test"


def hetu(serial: int, birth: str = "010771", sign: str = "-") -> str:
    """A formally valid HETU with the given individual number (its hundreds digit picks the decision)."""
    return f"{birth}{sign}{serial:03d}{hetu_check(f'{birth}{serial:03d}')}"


def personnummer(serial: int, birth: str = "800101") -> str:
    """A formally valid Swedish personnummer (Luhn) YYMMDD-NNNC."""
    digits = f"{birth}{serial:03d}"
    total = sum(sum(divmod(int(d) * (2 if i % 2 == 0 else 1), 10)) for i, d in enumerate(digits))
    return f"{birth}-{serial:03d}{(10 - total % 10) % 10}"


APPROVED = hetu(123)
PENDING = hetu(257)  # the doc's example customer 010771-257W
DENIED = hetu(345)
LIMITED = hetu(456)
SCORING_FAILS = hetu(987)


def item(article: str = "D234234234", price: float = 123.45, units: float = 5, kind: int = 1) -> dict[str, Any]:
    return {
        "articleId": article,
        "description": f"Tuote {article}",
        "pricePerUnit": price,
        "numberOfUnits": units,
        "vatPercent": 24,
        "type": kind,
    }


def order(client_order_id: str, person: str = APPROVED, **fields: Any) -> dict[str, Any]:
    """A create-order body the simulator approves unless `person` or `fields` say otherwise."""
    body: dict[str, Any] = {
        "merchantId": MERCHANT_ID,
        "clientOrderId": client_order_id,
        "customer": {"personId": person, "name": "Teppo Testaaja", "locale": "fi-FI"},
        "paymentType": "Invoice",
        "orderItems": [item()],
    }
    body.update(fields)
    return body


def basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()
