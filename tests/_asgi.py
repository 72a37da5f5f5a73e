"""Small pieces the tests' own ASGI stand-ins (receivers, echo upstreams) share."""

from __future__ import annotations

from starlette.types import Receive

__all__ = ["read_body"]


async def read_body(receive: Receive) -> bytes:
    """The whole request body, however many `http.request` messages it came in."""
    body = b""
    while True:
        message = await receive()
        chunk: bytes = message.get("body", b"")
        body += chunk
        if not message.get("more_body"):
            return body
