"""A generated case is sent without the header fields that frame or route the HTTP message: they are the
connection's, never the API's input, and over a real connection they decide whether a request reaches the API.

hypothesis (6.131 and later) draws strings from the constants of the code it runs with, our own modules' string
literals included, so schemathesis' invented header names include "transfer-encoding" (trafficcheck spells it).
Sent over HTTP with a value other than chunked, it leaves the body's length unknown, and a server "MUST respond
with the 400 (Bad Request) status code and then close the connection" (RFC 9112 §6.3): the simulator's uvicorn
answered "Invalid HTTP request received." in text/plain before the app saw the request, and the content-type
check reported that against the API (fast profile, `CONTRACT_TARGET=http`, GET /orders/{orderId} of Mash).
In-process the same header reached the app as data. The other fields here are framing (Content-Length) or are
consumed by the connection (RFC 9110 §7.6.1: Connection and the hop-by-hop fields; Host routes the request); a
real server's front end answers them, never the API, and a vendor's sandbox is not to be sent framing probes.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from schemathesis import Case
from schemathesis.hooks import HookContext

from trafficcheck.proxy import HOP_BY_HOP

__all__ = ["FRAMING", "before_call"]

# The fields our recording proxy does not forward (RFC 9110 §7.6.1, and Host), and the body's framing.
FRAMING = HOP_BY_HOP | {"content-length"}


@schemathesis.hook
def before_call(context: HookContext, case: Case[Any], kwargs: dict[str, Any]) -> None:
    """Drop the framing fields a case was generated with (schemathesis re-validates a case a hook changed)."""
    if case.headers:
        for name in [name for name in case.headers if name.lower() in FRAMING]:
            del case.headers[name]
