"""A local stand-in for a vendor sandbox: a simulator behind middleware that logs, throttles and counts.

It logs every request as it arrives (monotonic time, method, path, user agent, status), answers chosen requests
with 429 or 503 and a `Retry-After` instead of passing them on, and keeps, as ground truth independent of the
code under test, every id a create answer gave (`created`, filled by the test's `created_id` function).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["Seen", "Throttle", "ThrottlingSandbox", "max_in_window"]


@dataclass(frozen=True)
class Seen:
    at: float
    method: str
    path: str
    user_agent: str
    status: int


@dataclass(frozen=True)
class Throttle:
    """Answer the `nth` request (1-based) with `status` and `Retry-After: value()` (a callable: dates go stale);
    `nth` 0: the first request after something was created."""

    nth: int
    status: int
    value: Callable[[], str]


@dataclass
class ThrottlingSandbox:
    app: ASGIApp
    throttles: tuple[Throttle, ...] = ()
    created_id: Callable[[str, str, Any], Any] | None = None  # (method, path, body) → id or None
    log: list[Seen] = field(default_factory=list)
    created: list[Any] = field(default_factory=list)
    fired: list[Throttle] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/_sim"):
            await self.app(scope, receive, send)
            return
        at = time.monotonic()
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        with self.lock:
            number = len(self.log) + 1
            throttle = next((t for t in self.throttles if t.nth == number or self._after_created(t)), None)
            if throttle is not None:
                self.fired.append(throttle)
            self.log.append(Seen(at, scope["method"], scope["path"], headers.get("user-agent", ""), 0))
        if throttle is not None:
            await _drain(receive)
            body = b'{"error": "slow down"}'
            await send(
                {
                    "type": "http.response.start",
                    "status": throttle.status,
                    "headers": [(b"retry-after", throttle.value().encode()), (b"content-length", b"%d" % len(body))],
                }
            )
            await send({"type": "http.response.body", "body": body})
            self._status(number, throttle.status)
            return
        status = 0
        chunks: list[bytes] = []

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, recording_send)
        self._status(number, status)
        if self.created_id is not None and 200 <= status < 300:
            try:
                found = self.created_id(scope["method"], scope["path"], json.loads(b"".join(chunks) or b"null"))
            except ValueError:
                found = None
            if found is not None:
                with self.lock:
                    self.created.append(found)

    def _after_created(self, throttle: Throttle) -> bool:
        return throttle.nth == 0 and bool(self.created) and throttle not in self.fired

    def _status(self, number: int, status: int) -> None:
        with self.lock:
            seen = self.log[number - 1]
            self.log[number - 1] = Seen(seen.at, seen.method, seen.path, seen.user_agent, status)


async def _drain(receive: Receive) -> None:
    while True:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body", False):
            return


def max_in_window(times: list[float], window_s: float) -> int:
    """The most arrivals in any `window_s`-long stretch (a sliding window over the sorted times)."""
    ordered = sorted(times)
    best, start = 0, 0
    for end, at in enumerate(ordered):
        while at - ordered[start] >= window_s:
            start += 1
        best = max(best, end - start + 1)
    return best
