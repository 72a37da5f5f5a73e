"""A serving process freezes its start-up heap once, after its app has started and before any request."""

from __future__ import annotations

import asyncio
import gc
from typing import Any

import pytest
from starlette.types import Receive, Scope, Send

from simulators._serving import heap

events: list[str] = []  # what the app sent, and when the heap was frozen, in order


def _lifespan_then_request(app: Any) -> None:
    """Drive `app` as uvicorn does: a lifespan start-up (and shut-down), then one HTTP scope."""

    async def run() -> None:
        inbox = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]

        async def receive() -> dict[str, Any]:
            return inbox.pop(0)

        async def send(message: dict[str, Any]) -> None:
            events.append(message["type"])

        await app({"type": "lifespan"}, receive, send)
        await app({"type": "http"}, receive, send)

    asyncio.run(run())


def test_the_heap_is_frozen_once_the_startup_has_completed_and_not_per_request(monkeypatch: pytest.MonkeyPatch) -> None:
    events.clear()
    monkeypatch.setattr(heap, "freeze_start_up_heap", lambda: events.append("freeze"))

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                events.append("opening what the app keeps")
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
        else:
            await send({"type": "http.response.start"})

    _lifespan_then_request(heap.frozen_after_startup(app))
    assert events == [
        "opening what the app keeps",
        "lifespan.startup.complete",
        "freeze",
        "lifespan.shutdown.complete",
        "http.response.start",
    ]


def test_freezing_moves_the_live_objects_out_of_the_collectors_sight() -> None:
    kept = [object() for _ in range(10)]
    try:
        heap.freeze_start_up_heap()
        assert gc.get_freeze_count() >= len(kept)
    finally:
        gc.unfreeze()
    assert gc.get_freeze_count() == 0
