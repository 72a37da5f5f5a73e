"""The validating proxy: forwards each request to the upstream unchanged, returns its answer unchanged, checks both.

It never answers in the upstream's place with a made-up body (Prism's proxy answers an upstream 501 with a
mock): errors, 5xx, non-JSON and empty answers pass through byte for byte. The proxy answers itself only
when there is no upstream answer to pass on, and says so in an `X-Trafficcheck-Error` header: 504 when the
upstream did not answer in time, 502 when it could not be reached or its body exceeded the cap, 413 for a
request body beyond the cap.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any
from urllib.parse import parse_qsl

import httpx
from starlette.types import Message, Receive, Scope, Send

from .check import Checked, TrafficChecker
from .redact import redact_body, redact_headers, redact_query, redact_text
from .report import DeviationReport

__all__ = ["HOP_BY_HOP", "ProxyApp", "ProxyOptions"]

# RFC 9110 §7.6.1: connection-specific fields a proxy must not forward; host is the upstream's own.
HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host"}
)
ERROR_HEADER = "x-trafficcheck-error"
MAX_TEXT_IN_CASSETTE = 2000  # a non-JSON body is kept as (scrubbed) text up to this many characters


@dataclass(frozen=True)
class ProxyOptions:
    upstream: str  # scheme://host[:port]; the request's path is appended unchanged
    timeout_s: float = 30.0
    max_body_bytes: int = 10 * 1024 * 1024
    verify: bool | str = True  # the upstream's TLS check: True, False, or a CA file
    # Another way to reach the upstream (tests, in-process recording: httpx.ASGITransport(app=simulator)).
    transport: httpx.AsyncBaseTransport | None = None


class ProxyApp:
    """ASGI app; `cassette` gets one JSON line per exchange, `report` every verdict, `say` one line each."""

    def __init__(
        self,
        checker: TrafficChecker,
        options: ProxyOptions,
        cassette: IO[str],
        report: DeviationReport,
        say: Callable[[str], None] = print,
    ) -> None:
        self.checker = checker
        self.options = options
        self.cassette = cassette
        self.report = report
        self.say = say
        self._client: httpx.AsyncClient | None = None
        self._lock = threading.Lock()
        self._entries = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        started = time.perf_counter()
        body, too_large = await _read_body(receive, self.options.max_body_bytes)
        if too_large:
            await _answer(send, 413, f"request body beyond {self.options.max_body_bytes} bytes")
            return
        request = self._upstream_request(scope, body)
        status, headers, raw, decoded, error = await self._forward(request)
        if error is not None:
            await _answer(send, status, error)
        else:
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": raw})
        checked = self._check(scope, body, status if error is None else None, decoded)
        self._record(
            scope,
            request=request,
            body=body,
            status=status,
            headers=headers,
            decoded=decoded,
            error=error,
            checked=checked,
            started=started,
        )

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self._client = httpx.AsyncClient(
                    timeout=httpx.Timeout(self.options.timeout_s),
                    verify=self.options.verify,
                    follow_redirects=False,  # a redirect is an answer like any other: passed on
                    trust_env=False,
                    transport=self.options.transport,
                )
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self._client is not None:
                    await self._client.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    def _upstream_request(self, scope: Scope, body: bytes) -> httpx.Request:
        raw_path = scope.get("raw_path") or scope["path"].encode()
        query = scope.get("query_string", b"")
        url = self.options.upstream + raw_path.decode("latin-1") + (("?" + query.decode("latin-1")) if query else "")
        headers = [(k, v) for k, v in scope["headers"] if k.decode("latin-1").lower() not in HOP_BY_HOP]
        return httpx.Request(scope["method"], url, headers=headers, content=body)

    async def _forward(self, request: httpx.Request) -> tuple[int, list[tuple[bytes, bytes]], bytes, bytes, str | None]:
        """(status, headers, raw body, decoded body, None), or (status, [], b"", b"", why) without an answer."""
        assert self._client is not None, "the proxy's lifespan did not start"
        try:
            response = await self._client.send(request, stream=True)
        except httpx.TimeoutException:
            return 504, [], b"", b"", f"the upstream did not answer within {self.options.timeout_s} s"
        except httpx.HTTPError as exc:
            return 502, [], b"", b"", f"the upstream could not be reached ({type(exc).__name__})"
        try:
            raw = b""
            async for chunk in response.aiter_raw():
                raw += chunk
                if len(raw) > self.options.max_body_bytes:
                    return 502, [], b"", b"", f"the upstream's body is beyond {self.options.max_body_bytes} bytes"
        except httpx.TimeoutException:
            return 504, [], b"", b"", f"the upstream's body did not arrive within {self.options.timeout_s} s"
        except httpx.HTTPError as exc:
            return 502, [], b"", b"", f"the upstream's body broke off ({type(exc).__name__})"
        finally:
            await response.aclose()
        # The body is passed whole (not chunked), so its length is declared again; a HEAD answer (no body) keeps
        # the upstream's own Content-Length, which describes the body a GET would get.
        keep_length = request.method == "HEAD"
        headers = [
            (name, value)
            for name, value in response.headers.raw
            if name.decode("latin-1").lower() not in HOP_BY_HOP and (keep_length or name.lower() != b"content-length")
        ]
        if not keep_length:
            headers.append((b"content-length", str(len(raw)).encode()))
        try:
            copy = httpx.Response(response.status_code, headers=response.headers, stream=httpx.ByteStream(raw))
            decoded = copy.read()
        except httpx.DecodingError:
            decoded = b""
        return response.status_code, headers, raw, decoded, None

    def _check(self, scope: Scope, body: bytes, status: int | None, decoded: bytes) -> Checked:
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        if status is None:  # no answer: only the request can be judged
            operation, _, refused = self.checker.match(scope["method"], scope["path"])
            if refused is not None:
                return refused
            assert operation is not None
            return Checked(operation.operation_id, f"{operation.method} {operation.path}")
        return self.checker.check(
            method=scope["method"],
            path=scope["path"],
            query=query,
            request_body=body,
            status=status,
            response_body=decoded,
        )

    def _record(
        self,
        scope: Scope,
        *,
        request: httpx.Request,
        body: bytes,
        status: int,
        headers: list[tuple[bytes, bytes]],
        decoded: bytes,
        error: str | None,
        checked: Checked,
        started: float,
    ) -> None:
        elapsed_ms = (time.perf_counter() - started) * 1000
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        entry: dict[str, Any] = {
            "api": self.checker.api,
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "operation": checked.operation_id,
            "label": checked.label,
            "request": {
                "method": scope["method"],
                "path": redact_text(scope["path"]),
                "query": redact_query(query),
                "headers": redact_headers((k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw),
                "body": _body_for_cassette(body),
            },
            "response": None
            if error is not None
            else {
                "status": status,
                "headers": redact_headers((k.decode("latin-1"), v.decode("latin-1")) for k, v in headers),
                "body": _body_for_cassette(decoded),
            },
            "proxy_error": error,
            "duration_ms": round(elapsed_ms, 1),
            "deviations": [deviation.as_dict() for deviation in checked.deviations],
        }
        with self._lock:  # one writer at a time: entries stay whole lines, numbered in the order written
            self._entries += 1
            entry = {"entry": self._entries, **entry}
            self.cassette.write(json.dumps(entry, ensure_ascii=False) + "\n")
            self.cassette.flush()
            self.report.add(self._entries, checked, None if error is not None else status)
        shown = f"{status}" if error is None else f"{status} (proxy: {error})"
        count = len(checked.deviations)
        self.say(
            f"#{self._entries} {checked.label} [{checked.operation_id or '-'}] → {shown} · "
            f"{count} deviation{'s' if count != 1 else ''} · {elapsed_ms:.0f} ms"
        )


def _body_for_cassette(body: bytes) -> Any:
    if not body:
        return None
    try:
        return {"json": redact_body(json.loads(body))}
    except (ValueError, RecursionError):
        return {"text": redact_text(body[:MAX_TEXT_IN_CASSETTE].decode("utf-8", errors="replace"))}


async def _read_body(receive: Receive, cap: int) -> tuple[bytes, bool]:
    body = b""
    while True:
        message: Message = await receive()
        if message["type"] == "http.disconnect":
            return body, False
        body += message.get("body", b"")
        if len(body) > cap:
            return b"", True
        if not message.get("more_body", False):
            return body, False


async def _answer(send: Send, status: int, why: str) -> None:
    text = f"trafficcheck proxy: {why}\n".encode()
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(text)).encode()),
        (ERROR_HEADER.encode(), why.encode("ascii", errors="replace")),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": text})


def open_cassette(path: Path) -> IO[str]:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.open("w", encoding="utf-8")
