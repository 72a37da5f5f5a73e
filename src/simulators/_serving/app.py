"""The ASGI app of one API: authenticate → route → check headers, parameters, body → handler → JSON.

The spec's operations are served by a lean raw-ASGI path (no Request objects, validators compiled at
start-up); everything else (control endpoints, HTML pages, lifespan) falls through to a Starlette app.
"""

from __future__ import annotations

import asyncio
import enum
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import jsonschema_rs
import orjson
from starlette.applications import Starlette
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .control import ControlHooks, control_routes
from .faults import FaultRule
from .harness import Harness
from .routing import Router
from .spec import Spec
from .store import RecordTooLarge
from .validation import Operation, compile_operations

__all__ = ["MAX_JSON_DEPTH", "ApiBinding", "Call", "Failure", "Handler", "Reply", "build_app"]

MAX_JSON_DEPTH = 64
"""Deepest array/object nesting a request body may have. orjson parses up to 1,024 levels, but jsonschema-rs
cannot render errors beyond ~255 and orjson cannot write beyond 254, so a stored deep value would break
later answers; the APIs' own bodies nest fewer than 10 levels."""

Reply = tuple[int, object]  # (status, JSON-able payload); a bytes payload is sent as already-encoded JSON


class Failure(enum.Enum):
    """What the serving core itself rejects; each API renders these in its own error format."""

    NOT_FOUND = "no such operation"
    METHOD_NOT_ALLOWED = "method not allowed"
    UNAUTHENTICATED = "invalid credentials"
    MALFORMED = "malformed request"
    TOO_LARGE = "too large"  # a body beyond max_body_bytes, or a record beyond the store's per-record limit


@dataclass(slots=True)
class Call:
    """A request that passed routing, authentication and validation, as a handler sees it."""

    principal: Any
    operation: Operation
    path_params: dict[str, str]
    query: dict[str, Any]
    body: Any
    headers: dict[bytes, bytes]


Handler = Callable[[Call], Reply]


@dataclass(frozen=True)
class ApiBinding:
    """Everything API-specific the core needs: handlers by operationId, auth, and error rendering."""

    spec: Spec
    handlers: Mapping[str, Handler]
    authenticate: Callable[[Mapping[bytes, bytes]], object | None]  # None → Failure.UNAUTHENTICATED
    render_failure: Callable[[Failure, str, Any], Reply]  # (failure, detail naming the field, parsed body)
    domain_error: type[Exception]
    render_error: Callable[[Any], Reply]  # receives an instance of domain_error
    base_path: str | None = None  # None: the path of the spec's first server URL
    require_accept_json: bool = True
    require_json_content_type: bool = True
    max_body_bytes: int = 1 << 20
    pages: Sequence[BaseRoute] = field(default_factory=tuple)  # non-spec routes (HTML flows), Starlette
    control: ControlHooks | None = None
    # Optional: render schema failures of the path, query or body from every jsonschema error of that part
    # (APIs whose error body lists all fields, e.g. MyCashflow's 422 `errors`); None → render_failure.
    render_invalid: Callable[[str, list[jsonschema_rs.ValidationError]], Reply] | None = None
    # Optional: rewrite a parsed JSON body before validation (tolerant reading of published shapes, see
    # tolerance.py); None → the body is validated as sent.
    normalize_body: Callable[[Operation, Any], Any] | None = None
    # Optional: told of every 2xx a handler returned (e.g. to send webhooks); runs on the event loop.
    observe: Callable[[Operation, Call, Reply], None] | None = None


def build_app(
    binding: ApiBinding, *, control: bool = False, control_prefix: str = "/_sim", harness: Harness | None = None
) -> ASGIApp:
    """Compile the spec's validators and routes once; control endpoints are mounted only if asked for.

    `harness` holds the fault rules and the request journal (shared by the apps of one simulator); by
    default a fresh one, journaling only when the control endpoints are there to read it.
    """
    harness = harness or Harness.of(journal_size=Harness().journal.size if control else 0)
    operations = compile_operations(binding.spec)
    served = {op.operation_id for op in operations}
    if served != set(binding.handlers):
        raise ValueError(
            f"{binding.spec.path}: operations without a handler {sorted(served - set(binding.handlers))}, "
            f"handlers without an operation {sorted(set(binding.handlers) - served)}"
        )
    routes = list(binding.pages)
    if control:
        if binding.control is None:
            raise ValueError(f"{binding.spec.api}: control endpoints asked for, but the API defines none")
        routes = [*control_routes(binding.control, control_prefix, harness), *routes]
    base = binding.spec.base_path if binding.base_path is None else binding.base_path
    return _SpecApp(binding, Router(operations), base, Starlette(routes=routes), harness)


class _Exchange:
    """What the journal and the fault rules learn about one request while it is served."""

    __slots__ = ("fault", "operation", "raw")

    def __init__(self) -> None:
        self.operation: str | None = None
        self.raw: bytes | None = None
        self.fault: FaultRule | None = None


class _SpecApp:
    def __init__(self, binding: ApiBinding, router: Router, base: str, fallback: ASGIApp, harness: Harness) -> None:
        self.harness = harness
        self._faults = harness.faults
        self._journal = harness.journal
        self._binding = binding
        self._router = router
        self._base = base
        self._fallback = fallback
        self._handlers = dict(binding.handlers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http":
            await self._fallback(scope, receive, send)
            return
        if not (path == self._base or path.startswith(self._base + "/")):
            await self._fallback_capped(scope, receive, send)
            return
        sub_path = path[len(self._base) :] or "/"
        started = time.perf_counter()
        exchange = _Exchange()
        try:
            status, payload = await self._serve(scope, receive, sub_path, exchange)
        except _ClientGone:
            return  # nobody to answer
        fault = exchange.fault if exchange.fault is None or exchange.fault.kind != "latency" else None
        body: bytes | None = None
        if status == 204 and fault is None:  # No Content: no body, no Content-Type/Content-Length (RFC 9110 §8.6)
            headers: list[tuple[bytes, bytes]] = []
        else:
            body = payload if isinstance(payload, bytes) else orjson.dumps(payload)
            headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
            if status == 405:  # RFC 9110 §15.5.6: a 405 lists the methods the target resource does support
                headers.append((b"allow", ", ".join(self._router.allowed(sub_path)).encode()))
            if fault is not None and fault.kind == "status":
                status, headers, body = _fault_answer(fault)
        if fault is not None and fault.kind != "status":  # no answer: journaled now, before the wait
            self._record(scope, path, exchange, status=None, started=started, body=None)
            await _lose_answer(fault, scope, receive, send, status=status, body=body or b"")
            return
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body or b""})
        if self._journal.size:
            self._journal.record(
                exchange.operation, scope["method"], path, status, started, exchange.raw, body,
                None if exchange.fault is None else exchange.fault.kind,
            )  # fmt: skip

    def _record(
        self, scope: Scope, path: str, exchange: _Exchange, *, status: int | None, started: float, body: bytes | None
    ) -> None:
        if self._journal.size:
            fault = exchange.fault
            self._journal.record(
                exchange.operation, scope["method"], path, status, started, exchange.raw, body,
                None if fault is None else fault.kind,
            )  # fmt: skip

    async def _fallback_capped(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pages and control endpoints read whole bodies (`await request.body()`): read it here first, within
        max_body_bytes, and hand it on; a larger one is 413 before any of it is kept."""
        limit = self._binding.max_body_bytes
        try:
            body = await _read_body(receive, limit, dict(scope["headers"]))
        except _ClientGone:
            return
        if body is None:
            payload = orjson.dumps({"error": f"request body is larger than {limit} bytes"})
            headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(payload))]
            await send({"type": "http.response.start", "status": 413, "headers": [*headers, (b"connection", b"close")]})
            await send({"type": "http.response.body", "body": payload})
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()  # http.disconnect, for a handler that waits for one
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self._fallback(scope, replay, send)

    async def _serve(self, scope: Scope, receive: Receive, path: str, exchange: _Exchange) -> Reply:
        binding = self._binding
        headers: dict[bytes, bytes] = dict(scope["headers"])
        # Credentials first, as MyCashflow does: a stranger gets 401 for every path and method, never a
        # 404/405 with Allow that maps the API (every operation of both specs requires authentication).
        principal = binding.authenticate(headers)
        if principal is None:
            return binding.render_failure(Failure.UNAUTHENTICATED, "missing or invalid API keys", None)
        match = self._router.match(scope["method"], path)
        operation, path_params = match if match is not None else (None, {})
        if operation is None:
            if match is None:
                return binding.render_failure(Failure.NOT_FOUND, f"no operation at {scope['method']} {path}", None)
            return binding.render_failure(Failure.METHOD_NOT_ALLOWED, f"{scope['method']} not allowed on {path}", None)
        exchange.operation = operation.operation_id
        try:
            call = await self._prepare(
                operation, path_params, principal, headers, scope=scope, receive=receive, exchange=exchange
            )
        except _Rejected as rejected:
            return self._render_rejected(operation, rejected)
        if not self._faults.active:
            return self._handle(operation, call)
        return await self._handle_with_faults(operation, call, exchange)

    async def _handle_with_faults(self, operation: Operation, call: Call, exchange: _Exchange) -> Reply:
        """The handler, with the fault rules that strike this request."""
        # Faults strike requests that reach their handler: `before` leaves the state as it was, `after`
        # lets the change happen and then delays, replaces or loses its answer.
        fault = self._faults.pick(operation.operation_id, "before")
        if fault is not None:
            exchange.fault = fault
            if fault.kind != "latency":
                return 0, b""  # the handler never runs; __call__ answers as the fault says
            await asyncio.sleep(self._faults.delay(fault))
        reply = self._handle(operation, call)
        fault = self._faults.pick(operation.operation_id, "after")
        if fault is not None:
            exchange.fault = fault
            if fault.kind == "latency":
                await asyncio.sleep(self._faults.delay(fault))
        return reply

    def _handle(self, operation: Operation, call: Call) -> Reply:
        binding = self._binding
        try:
            reply = self._handlers[operation.operation_id](call)
            if binding.observe is not None and 200 <= reply[0] < 300:
                binding.observe(operation, call, reply)
            return reply
        except binding.domain_error as exc:
            return binding.render_error(exc)
        except RecordTooLarge as exc:
            return binding.render_failure(Failure.TOO_LARGE, str(exc), call.body)

    def _render_rejected(self, operation: Operation, rejected: _Rejected) -> Reply:
        binding = self._binding
        if rejected.where is not None and binding.render_invalid is not None:
            errors = operation.errors(rejected.where, rejected.instance)
            if errors:  # empty when jsonschema-rs cannot render them (a value nested too deeply)
                return binding.render_invalid(rejected.where, errors)
        return binding.render_failure(rejected.failure, rejected.detail, rejected.body)

    async def _prepare(
        self,
        operation: Operation,
        path_params: dict[str, str],
        principal: object,
        headers: dict[bytes, bytes],
        *,
        scope: Scope,
        receive: Receive,
        exchange: _Exchange,
    ) -> Call:
        """Check headers, parameters and body, in that order; raise _Rejected on the first fault."""
        binding = self._binding
        if binding.require_accept_json and not _accepts_json(headers.get(b"accept")):
            raise _Rejected(Failure.MALFORMED, "Accept header must be present and allow application/json")
        _reject_if(operation.check_path(path_params), where="path", instance=path_params, operation=operation)
        query: dict[str, Any] = {}
        if scope["query_string"]:
            for name, value in parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True):
                query.setdefault(name, value)  # the first of repeated parameters wins
            query = operation.coerce_query(query)
        _reject_if(operation.check_query(query), where="query", instance=query)
        body = await self._body(operation, headers, receive, exchange) if operation.has_body else None
        return Call(principal, operation, path_params, query, body, headers)

    async def _body(
        self, operation: Operation, headers: dict[bytes, bytes], receive: Receive, exchange: _Exchange
    ) -> Any:
        limit = self._binding.max_body_bytes
        raw = await _read_body(receive, limit, headers)
        if raw is None:
            raise _Rejected(Failure.TOO_LARGE, f"request body is larger than {limit} bytes")
        exchange.raw = raw
        if not raw and not operation.body_required:
            return None
        if self._binding.require_json_content_type and not _is_json(headers.get(b"content-type")):
            raise _Rejected(Failure.MALFORMED, "Content-Type header must be application/json")
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise _Rejected(Failure.MALFORMED, f"request body is not valid JSON: {exc}") from None
        # Only a body with more brackets than the limit can nest that deep: two C-speed counts on the hot path.
        if raw.count(b"[") + raw.count(b"{") > MAX_JSON_DEPTH and _depth(body) > MAX_JSON_DEPTH:
            raise _Rejected(Failure.MALFORMED, f"request body nests deeper than {MAX_JSON_DEPTH} levels")
        if self._binding.normalize_body is not None:
            body = self._binding.normalize_body(operation, body)
        _reject_if(operation.check_body(body), body, where="body", instance=body)
        return body


def _fault_answer(fault: FaultRule) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """The 429/5xx a status fault sends instead: a small JSON body (or none) and Retry-After if asked for."""
    payload = orjson.dumps({"error": f"simulated fault: HTTP {fault.status}"}) if fault.body else b""
    headers = [(b"content-length", b"%d" % len(payload))]
    if fault.body:
        headers.append((b"content-type", b"application/json"))
    if fault.retry_after is not None:
        headers.append((b"retry-after", b"%d" % fault.retry_after))
    return fault.status, headers, payload


async def _lose_answer(
    fault: FaultRule, scope: Scope, receive: Receive, send: Send, *, status: int, body: bytes
) -> None:
    """A reset, or a hang: nothing (or the head and half the body) until the client or the bound gives up."""
    if fault.kind == "hang":
        if fault.partial:
            body = body if len(body) >= 2 else b'{"simulated": "a response that never completes"}'
            headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
            await send({"type": "http.response.start", "status": status or 200, "headers": headers})
            await send({"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True})
        await _wait_for_disconnect(receive, fault.ms / 1000)
    _abort(scope)
    await _wait_for_disconnect(receive, 1.0)


def _abort(scope: Scope) -> None:
    """Reset the connection (TCP RST, no answer) through the server's extension (protocol.py); in-process
    (TestClient) there is no connection, so the client sees an exception instead."""
    abort = scope.get("extensions", {}).get("simulators.abort")
    if abort is None:
        raise ConnectionResetError("simulated fault: connection reset")
    abort()


async def _wait_for_disconnect(receive: Receive, seconds: float) -> None:
    try:
        async with asyncio.timeout(seconds):
            while (await receive())["type"] != "http.disconnect":
                pass
    except TimeoutError:
        pass


class _ClientGone(Exception):
    """The client disconnected before its body was complete: a truncated body must never reach a handler."""


class _Rejected(Exception):
    """Internal control flow: a request the core refuses; rendered by the API, never escapes _serve."""

    def __init__(
        self, failure: Failure, detail: str, body: Any = None, where: str | None = None, instance: Any = None
    ) -> None:
        self.failure, self.detail, self.body = failure, detail, body
        self.where, self.instance = where, instance  # the failing part, for ApiBinding.render_invalid


def _reject_if(
    problem: str | None,
    body: Any = None,
    *,
    where: str | None = None,
    instance: Any = None,
    operation: Operation | None = None,
) -> None:
    if problem is not None:
        if where == "path" and operation is not None:
            instance = operation.coerce_path(instance)  # judged as the schema sees it
        raise _Rejected(Failure.MALFORMED, problem, body, where, instance)


async def _read_body(receive: Receive, limit: int, headers: dict[bytes, bytes]) -> bytes | None:
    """The whole body, or None as soon as it is known to exceed `limit` (a declared Content-Length is
    judged before anything is read)."""
    declared = headers.get(b"content-length")
    if declared is not None and (len(declared) > 19 or (declared.isdigit() and int(declared) > limit)):
        return None
    message = await receive()
    chunk: bytes = message.get("body", b"")
    if not message.get("more_body", False):  # the usual case: one message holds the whole body
        if message["type"] == "http.disconnect":
            raise _ClientGone
        return chunk if len(chunk) <= limit else None
    chunks, size = [chunk], len(chunk)
    while message.get("more_body", False):
        message = await receive()
        if message["type"] == "http.disconnect":  # e.g. closed by the server's body deadline (protocol.py)
            raise _ClientGone
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _depth(value: Any) -> int:
    """Nesting depth of a parsed JSON value (iterative: a deep value must not exhaust Python's stack)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, level)
            if deepest > MAX_JSON_DEPTH:
                return deepest
            stack.extend((child, level + 1) for child in (node.values() if isinstance(node, dict) else node))
    return deepest


def _accepts_json(value: bytes | None) -> bool:
    if value is None:
        return False
    return any(
        part.split(b";", 1)[0].strip().lower() in (b"application/json", b"application/*", b"*/*")
        for part in value.split(b",")
    )


def _is_json(value: bytes | None) -> bool:
    return value is not None and value.split(b";", 1)[0].strip().lower() == b"application/json"
