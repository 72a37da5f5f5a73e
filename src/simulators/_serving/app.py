"""The ASGI app of one API: route → authenticate → check headers, parameters, body → handler → JSON.

The spec's operations are served by a lean raw-ASGI path (no Request objects, validators compiled at
start-up); everything else (control endpoints, HTML pages, lifespan) falls through to a Starlette app.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import jsonschema_rs
import orjson
from starlette.applications import Starlette
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from .control import ControlHooks, control_routes
from .routing import Router
from .spec import Spec
from .validation import Operation, compile_operations

__all__ = ["ApiBinding", "Call", "Failure", "Handler", "Reply", "build_app"]

Reply = tuple[int, object]  # (status, JSON-able payload); a bytes payload is sent as already-encoded JSON


class Failure(enum.Enum):
    """What the serving core itself rejects; each API renders these in its own error format."""

    NOT_FOUND = "no such operation"
    METHOD_NOT_ALLOWED = "method not allowed"
    UNAUTHENTICATED = "invalid credentials"
    MALFORMED = "malformed request"


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


def build_app(binding: ApiBinding, *, control: bool = False, control_prefix: str = "/_sim") -> ASGIApp:
    """Compile the spec's validators and routes once; control endpoints are mounted only if asked for."""
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
        routes = [*control_routes(binding.control, control_prefix), *routes]
    base = binding.spec.base_path if binding.base_path is None else binding.base_path
    return _SpecApp(binding, Router(operations), base, Starlette(routes=routes))


class _SpecApp:
    def __init__(self, binding: ApiBinding, router: Router, base: str, fallback: ASGIApp) -> None:
        self._binding = binding
        self._router = router
        self._base = base
        self._fallback = fallback
        self._handlers = dict(binding.handlers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http" or not (path == self._base or path.startswith(self._base + "/")):
            await self._fallback(scope, receive, send)
            return
        sub_path = path[len(self._base) :] or "/"
        status, payload = await self._serve(scope, receive, sub_path)
        if status == 204:  # No Content: neither a body nor Content-Type/Content-Length (RFC 9110 §8.6)
            await send({"type": "http.response.start", "status": 204, "headers": []})
            await send({"type": "http.response.body", "body": b""})
            return
        body = payload if isinstance(payload, bytes) else orjson.dumps(payload)
        headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
        if status == 405:  # RFC 9110 §15.5.6: a 405 lists the methods the target resource does support
            headers.append((b"allow", ", ".join(self._router.allowed(sub_path)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _serve(self, scope: Scope, receive: Receive, path: str) -> Reply:
        binding = self._binding
        match = self._router.match(scope["method"], path)
        if match is None:
            return binding.render_failure(Failure.NOT_FOUND, f"no operation at {scope['method']} {path}", None)
        operation, path_params = match
        if operation is None:
            return binding.render_failure(Failure.METHOD_NOT_ALLOWED, f"{scope['method']} not allowed on {path}", None)
        try:
            call = await self._prepare(operation, path_params, scope, receive)
        except _Rejected as rejected:
            if rejected.where is not None and binding.render_invalid is not None:
                return binding.render_invalid(rejected.where, operation.errors(rejected.where, rejected.instance))
            return binding.render_failure(rejected.failure, rejected.detail, rejected.body)
        try:
            return self._handlers[operation.operation_id](call)
        except binding.domain_error as exc:
            return binding.render_error(exc)

    async def _prepare(self, operation: Operation, path_params: dict[str, str], scope: Scope, receive: Receive) -> Call:
        """Authenticate, then check headers, parameters and body, in that order; raise _Rejected on the first fault."""
        binding = self._binding
        headers: dict[bytes, bytes] = dict(scope["headers"])
        principal = binding.authenticate(headers)
        if principal is None:
            raise _Rejected(Failure.UNAUTHENTICATED, "missing or invalid API keys")
        if binding.require_accept_json and not _accepts_json(headers.get(b"accept")):
            raise _Rejected(Failure.MALFORMED, "Accept header must be present and allow application/json")
        _reject_if(operation.check_path(path_params), where="path", instance=path_params, operation=operation)
        query: dict[str, Any] = {}
        if scope["query_string"]:
            for name, value in parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True):
                query.setdefault(name, value)  # the first of repeated parameters wins
            query = operation.coerce_query(query)
        _reject_if(operation.check_query(query), where="query", instance=query)
        body = await self._body(operation, headers, receive) if operation.has_body else None
        return Call(principal, operation, path_params, query, body, headers)

    async def _body(self, operation: Operation, headers: dict[bytes, bytes], receive: Receive) -> Any:
        limit = self._binding.max_body_bytes
        raw = await _read_body(receive, limit)
        if raw is None:
            raise _Rejected(Failure.MALFORMED, f"request body is larger than {limit} bytes")
        if not raw and not operation.body_required:
            return None
        if self._binding.require_json_content_type and not _is_json(headers.get(b"content-type")):
            raise _Rejected(Failure.MALFORMED, "Content-Type header must be application/json")
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise _Rejected(Failure.MALFORMED, f"request body is not valid JSON: {exc}") from None
        if self._binding.normalize_body is not None:
            body = self._binding.normalize_body(operation, body)
        _reject_if(operation.check_body(body), body, where="body", instance=body)
        return body


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


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    message = await receive()
    chunk: bytes = message.get("body", b"")
    if not message.get("more_body", False):  # the usual case: one message holds the whole body
        return chunk if len(chunk) <= limit else None
    chunks, size = [chunk], len(chunk)
    while message.get("more_body", False):
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _accepts_json(value: bytes | None) -> bool:
    if value is None:
        return False
    return any(
        part.split(b";", 1)[0].strip().lower() in (b"application/json", b"application/*", b"*/*")
        for part in value.split(b",")
    )


def _is_json(value: bytes | None) -> bool:
    return value is not None and value.split(b";", 1)[0].strip().lower() == b"application/json"
