"""Outgoing webhook deliveries: POST a message to a subscriber, retry with backoff, keep a bounded record.

A simulator never calls the internet: only loopback URLs (127.0.0.0/8, ::1, `localhost`) are delivered to;
any other is recorded as refused without a connection. Every attempt is bounded (`timeout`), retries are
bounded (`attempts`, doubling waits from `backoff`, real time) and the record keeps the last `size` deliveries.
"""

from __future__ import annotations

import asyncio
import ipaddress
import itertools
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson

__all__ = ["Delivery", "Outbox", "is_loopback_url"]


def is_loopback_url(url: str) -> bool:
    """True for http(s) URLs whose host is a loopback literal or `localhost` (no DNS lookup is made)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https"):
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class Delivery:
    """One message to one URL, with every attempt made so far."""

    id: int
    topic: str
    url: str
    body: bytes
    headers: dict[str, str]
    state: str = "pending"  # pending | delivered | failed | refused | not sent
    attempts: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "topic": self.topic, "url": self.url, "state": self.state,
            "attempts": self.attempts, "headers": self.headers, "body": orjson.loads(self.body),
        }  # fmt: skip


class Outbox:
    """Deliveries of one simulator, sent from its event loop (handlers call `send` while serving a request)."""

    def __init__(
        self, size: int = 500, *, attempts: int = 4, backoff: float = 0.5, timeout: float = 5.0, sending: bool = True
    ) -> None:
        self.size, self.max_attempts, self.backoff, self.timeout = size, attempts, backoff, timeout
        # Off for contract runs: a fuzzer subscribes arbitrary loopback URLs, and a simulator under test must not
        # POST to whatever else listens on the machine. Deliveries are still recorded (state "not sent").
        self.sending = sending
        self._deliveries: OrderedDict[int, Delivery] = OrderedDict()
        self._ids = itertools.count(1)
        self._tasks: set[asyncio.Task[None]] = set()

    def send(self, topic: str, url: str, message: object, headers: dict[str, str] | None = None) -> Delivery:
        """Record a delivery and start sending it in the background on the running event loop."""
        body = orjson.dumps(message)
        delivery = Delivery(next(self._ids), topic, url, body, {"content-type": "application/json", **(headers or {})})
        self._deliveries[delivery.id] = delivery
        while len(self._deliveries) > self.size:
            self._deliveries.popitem(last=False)
        self._start(delivery)
        return delivery

    def redeliver(self, delivery_id: int) -> Delivery | None:
        """Send a recorded delivery again (a fresh round of attempts); None if it is not (or no longer) kept."""
        delivery = self._deliveries.get(delivery_id)
        if delivery is not None:
            delivery.state = "pending"
            self._start(delivery)
        return delivery

    def list(self) -> list[dict[str, Any]]:
        return [delivery.to_json() for delivery in self._deliveries.values()]

    def clear(self) -> None:
        """Forget every delivery, and stop the retries of those still being sent: a cleared delivery never calls."""
        self._deliveries.clear()
        for task in list(self._tasks):
            task.cancel()

    def _start(self, delivery: Delivery) -> None:
        if not self.sending:
            delivery.state = "not sent"
            delivery.attempts.append(_attempt(None, "sending is off for this simulator (contract runs)"))
            return
        if not is_loopback_url(delivery.url):
            delivery.state = "refused"
            delivery.attempts.append(_attempt(None, "not a loopback URL: a simulator never calls the internet"))
            return
        task = asyncio.get_running_loop().create_task(self._deliver(delivery))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver(self, delivery: Delivery) -> None:
        async with httpx.AsyncClient(timeout=self.timeout, follow_redirects=False, trust_env=False) as client:
            for attempt in range(self.max_attempts):
                if attempt:
                    await asyncio.sleep(self.backoff * 2 ** (attempt - 1))
                try:
                    response = await client.post(delivery.url, content=delivery.body, headers=delivery.headers)
                except httpx.HTTPError as exc:
                    delivery.attempts.append(_attempt(None, f"{type(exc).__name__}: {exc}"[:200]))
                    continue
                delivery.attempts.append(_attempt(response.status_code, None))
                if 200 <= response.status_code < 300:
                    delivery.state = "delivered"
                    return
        delivery.state = "failed"


def _attempt(status: int | None, error: str | None) -> dict[str, Any]:
    return {"at": datetime.fromtimestamp(time.time(), tz=UTC).isoformat(), "status": status, "error": error}
