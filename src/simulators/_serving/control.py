"""Control endpoints outside the spec (reset, seed, clock, inspect, faults, requests, world events), mounted only
when enabled."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from .clock import SimClock
from .console import CONSOLE_HTML
from .faults import parse_fault
from .harness import Harness

__all__ = ["ControlHooks", "control_routes"]


@dataclass(frozen=True)
class ControlHooks:
    """What an API offers its testers; `seed` raises ValueError on a bad payload, `inspect` returns None if unknown."""

    clock: SimClock
    reset: Callable[[], None]
    seed: Callable[[Any], object]
    inspect: Callable[[str, str, dict[str, str]], object | None]  # (kind, id, query) → JSON-able
    # The console's store section: {section name: [row objects]}, e.g. the latest orders with their states.
    overview: Callable[[], dict[str, list[dict[str, Any]]]] | None = None
    # (kind, id, event) → JSON-able, or None if unknown: something that happens outside the API to an item
    # (a payment handled in the payment service's own portal); ValueError when the item can't take the event.
    event: Callable[[str, str, str], object | None] | None = None


def control_routes(hooks: ControlHooks, prefix: str = "/_sim", harness: Harness | None = None) -> list[Route]:
    """Starlette routes under `prefix`; every answer is JSON, every bad input a 400, never a 500."""
    harness = harness or Harness()

    async def reset(_: Request) -> Response:
        return _json(200, _reset(hooks, harness))

    async def seed(request: Request) -> Response:
        try:
            return _json(200, hooks.seed(orjson.loads(await request.body())))
        except ValueError as exc:  # orjson.JSONDecodeError is a ValueError too
            return _json(400, {"error": str(exc)})

    async def clock(_: Request) -> Response:
        return _json(200, {"now": hooks.clock.now().isoformat()})

    async def advance(request: Request) -> Response:
        try:
            payload = orjson.loads(await request.body())
            delta = timedelta(days=_number(payload, "days"), seconds=_number(payload, "seconds"))
            return _json(200, {"now": hooks.clock.advance(delta).isoformat()})
        except (ValueError, OverflowError) as exc:
            return _json(400, {"error": str(exc)})

    async def inspect(request: Request) -> Response:
        found = hooks.inspect(request.path_params["kind"], request.path_params["key"], dict(request.query_params))
        return _json(404, {"error": "not found"}) if found is None else _json(200, found)

    async def event(request: Request) -> Response:
        assert hooks.event is not None
        params = request.path_params
        try:
            done = hooks.event(params["kind"], params["key"], params["event"])
        except ValueError as exc:
            return _json(400, {"error": str(exc)})
        return _json(404, {"error": "not found"}) if done is None else _json(200, done)

    async def faults(request: Request) -> Response:
        if request.method == "DELETE":
            harness.faults.clear()
            return _json(200, {"faults": []})
        if request.method == "POST":
            try:
                payload = orjson.loads(await request.body())
                rules = payload if isinstance(payload, list) else [payload]
                parsed = [parse_fault(rule) for rule in rules]
                for rule in parsed:
                    harness.faults.add(rule)
            except ValueError as exc:
                return _json(400, {"error": str(exc)})
        return _json(200, {"faults": harness.faults.rules()})

    async def requests(request: Request) -> Response:
        journal = harness.journal
        if request.method == "DELETE":
            journal.clear()
            return _json(200, {"requests": [], "size": journal.size})
        query = request.query_params
        limit = query.get("limit", "")
        if limit and not (limit.isdigit() and len(limit) < 7):
            return _json(400, {"error": f"limit: expected a non-negative integer, got {limit[:20]!r}"})
        found = journal.find(
            operation=query.get("operation"), status=query.get("status"), limit=int(limit) if limit else None
        )
        return _json(200, {"requests": found, "size": journal.size})

    async def deliveries(request: Request) -> Response:
        if request.method == "DELETE":
            harness.outbox.clear()
        return _json(200, {"deliveries": harness.outbox.list()})

    async def redeliver(request: Request) -> Response:
        key = request.path_params["delivery"]
        found = harness.outbox.redeliver(int(key)) if key.isdigit() and len(key) < 12 else None
        return _json(404, {"error": "no such delivery"}) if found is None else _json(202, found.to_json())

    async def console(_: Request) -> Response:
        # No external assets; the page's script may only talk to this origin.
        policy = (
            "default-src 'none'; img-src data:; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
            "connect-src 'self'"
        )
        return HTMLResponse(CONSOLE_HTML, headers={"content-security-policy": policy})

    async def overview(_: Request) -> Response:
        return _json(200, {} if hooks.overview is None else hooks.overview())

    # Last: the specific routes above (e.g. /deliveries/{delivery}/redeliver) win over this pattern.
    events = [] if hooks.event is None else [Route(f"{prefix}/{{kind}}/{{key}}/{{event}}", event, methods=["POST"])]
    return [
        Route(f"{prefix}/", console, methods=["GET"]),
        Route(f"{prefix}/overview", overview, methods=["GET"]),
        Route(f"{prefix}/faults", faults, methods=["GET", "POST", "DELETE"]),
        Route(f"{prefix}/requests", requests, methods=["GET", "DELETE"]),
        Route(f"{prefix}/deliveries", deliveries, methods=["GET", "DELETE"]),
        Route(f"{prefix}/deliveries/{{delivery}}/redeliver", redeliver, methods=["POST"]),
        Route(f"{prefix}/reset", reset, methods=["POST"]),
        Route(f"{prefix}/seed", seed, methods=["POST"]),
        Route(f"{prefix}/clock", clock, methods=["GET"]),
        Route(f"{prefix}/clock/advance", advance, methods=["POST"]),
        Route(f"{prefix}/{{kind}}/{{key}}", inspect, methods=["GET"]),
        *events,
    ]


def _reset(hooks: ControlHooks, harness: Harness) -> dict[str, Any]:
    """Everything back as the simulator started: the API's data and clock, and the tester's harness."""
    hooks.clock.reset()
    hooks.reset()
    harness.reset()
    return {"reset": True, "now": hooks.clock.now().isoformat(), "faults": harness.faults.rules()}


def _number(payload: Any, key: str) -> float:
    value = payload.get(key, 0) if isinstance(payload, dict) else None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected an object with numeric 'days' and/or 'seconds', got {payload!r}")
    return float(value)


def _json(status: int, payload: object) -> Response:
    return Response(orjson.dumps(payload), status_code=status, media_type="application/json")
