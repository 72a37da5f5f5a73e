"""The validating proxy: forwards each request to the upstream unchanged, returns its answer unchanged, checks both.

It never answers in the upstream's place with a made-up body (Prism's proxy answers an upstream 501 with a
mock): errors, 5xx, non-JSON and empty answers pass through byte for byte. The proxy answers itself only
when there is no upstream answer to pass on, and says so in an `X-Trafficcheck-Error` header: 504 when the
upstream did not answer in time, 502 when it could not be reached or closed the connection unanswered, or when
its answer cannot be passed on (not HTTP/1.1, head or body beyond a cap, a switch of protocol), 413 for a
request body beyond the cap.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO

import httpx
from starlette.types import Message, Receive, Scope, Send

from .check import TrafficChecker
from .recorder import Exchange, Recorder, RecorderProcess
from .report import DeviationReport
from .upstream import Answer, HttpxUpstream, NoAnswer, SocketUpstream, Upstream

__all__ = ["HOP_BY_HOP", "ProxyApp", "ProxyOptions", "Reply"]

# RFC 9110 §7.6.1: connection-specific fields a proxy must not forward; host is the upstream's own.
HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host"}
)
_HOP_BY_HOP = frozenset(name.encode() for name in HOP_BY_HOP)  # as header names arrive: compared undecoded
ERROR_HEADER = "x-trafficcheck-error"
FLUSH_AFTER_S = 0.2  # the cassette reaches the disk this long after an entry at most (and at shutdown)


@dataclass(frozen=True, slots=True)
class Reply:
    """One answer as the client gets it, and the exchange to record once it is sent (None: nothing to record)."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    exchange: Exchange | None  # its elapsed_ms is set by `record`, once the reply has been sent


@dataclass(frozen=True)
class ProxyOptions:
    upstream: str  # scheme://host[:port]; the request's path is appended unchanged
    timeout_s: float = 30.0
    max_body_bytes: int = 10 * 1024 * 1024
    verify: bool | str = True  # the upstream's TLS check: True, False, or a CA file
    # Another way to reach the upstream (tests, in-process recording: httpx.ASGITransport(app=simulator)).
    transport: httpx.AsyncBaseTransport | None = None


class ProxyApp:
    """ASGI app; `cassette` gets one JSON line per exchange, `report` every verdict, `say` one line each.

    `recorder`: where exchanges go once answered (a RecorderProcess, for the CLI); by default a Recorder of
    `checker`, `cassette`, `report` and `say` in this process.
    """

    def __init__(
        self,
        checker: TrafficChecker,
        options: ProxyOptions,
        cassette: IO[str],
        report: DeviationReport,
        say: Callable[[str], None] = print,
        *,
        recorder: Recorder | RecorderProcess | None = None,
    ) -> None:
        self.checker = checker
        self.options = options
        self.recorder = recorder if recorder is not None else Recorder(checker, cassette, report, say)
        self._upstream: Upstream | None = None
        self._flush_pending = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        started = time.perf_counter()
        reply = await self.reply(scope, *await read_body(receive, self.options.max_body_bytes))
        await send({"type": "http.response.start", "status": reply.status, "headers": reply.headers})
        await send({"type": "http.response.body", "body": reply.body})
        self.record(reply, started)

    async def reply(self, scope: Scope, body: bytes, too_large: bool) -> Reply:
        """What the client gets for one request: the upstream's answer, or the proxy's own when there is none.

        Called by the ASGI interface above and, without ASGI messages in between, by the served proxy's
        protocol (wire.py); both pass the reply on, then `record` it.
        """
        method: str = scope["method"]
        if too_large:
            why = f"request body beyond {self.options.max_body_bytes} bytes"
            return Reply(*_own_answer(413, why), exchange=None)
        raw_path = scope.get("raw_path") or scope["path"].encode()
        query: bytes = scope.get("query_string", b"")
        target = raw_path.decode("latin-1") + (("?" + query.decode("latin-1")) if query else "")
        request_headers = [
            (k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"] if k.lower() not in _HOP_BY_HOP
        ]
        assert self._upstream is not None, "the proxy's lifespan did not start"
        answer = await self._upstream.send(method, target, request_headers, body)
        request = (method, scope["path"], query, request_headers, body)
        if isinstance(answer, NoAnswer):
            status, headers, text = _own_answer(answer.status, answer.why)
            return Reply(status, headers, text, Exchange(*request, status, [], [], b"", answer.why, 0.0))
        headers = _passed_on(answer, method)
        exchange = Exchange(*request, answer.status, headers, answer.headers, answer.raw, None, 0.0)
        return Reply(answer.status, headers, answer.raw, exchange)

    def record(self, reply: Reply, started: float) -> None:
        """Judged after the answer is on its way: the client never waits for the check, the cassette or the report."""
        if reply.exchange is None:
            return
        self.recorder.take(replace(reply.exchange, elapsed_ms=(time.perf_counter() - started) * 1000))
        self._flush_soon()

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                options = self.options
                self._upstream = (
                    HttpxUpstream(
                        options.transport,
                        options.upstream,
                        timeout_s=options.timeout_s,
                        max_body_bytes=options.max_body_bytes,
                    )
                    if options.transport is not None
                    else SocketUpstream(
                        options.upstream,
                        timeout_s=options.timeout_s,
                        max_body_bytes=options.max_body_bytes,
                        verify=options.verify,
                    )
                )
                await self._upstream.start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self._upstream is not None:
                    await self._upstream.close()
                self.recorder.flush()
                await send({"type": "lifespan.shutdown.complete"})
                return

    def _flush_soon(self) -> None:
        """Flush the cassette within FLUSH_AFTER_S of an entry: one write per burst, not one per exchange."""
        if self._flush_pending:
            return
        self._flush_pending = True
        asyncio.get_running_loop().call_later(FLUSH_AFTER_S, self._flush)

    def _flush(self) -> None:
        self._flush_pending = False
        self.recorder.flush()


def _passed_on(answer: Answer, method: str) -> list[tuple[bytes, bytes]]:
    """The answer's headers as the proxy sends them: hop-by-hop fields dropped, the body's length declared again.

    The body is passed whole (not chunked), so its length is its own; a HEAD answer (no body) keeps the
    upstream's Content-Length, which describes the body a GET would get.
    """
    keep_length = method == "HEAD"
    headers = [
        (name, value)
        for name, value in answer.headers
        if name.lower() not in _HOP_BY_HOP and (keep_length or name.lower() != b"content-length")
    ]
    if not keep_length:
        headers.append((b"content-length", str(len(answer.raw)).encode()))
    return headers


async def read_body(receive: Receive, cap: int) -> tuple[bytes, bool]:
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


def _own_answer(status: int, why: str) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """The proxy's own answer when there is no upstream answer to pass on, saying so in ERROR_HEADER."""
    text = f"trafficcheck proxy: {why}\n".encode()
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(text)).encode()),
        (ERROR_HEADER.encode(), why.encode("ascii", errors="replace")),
    ]
    return status, headers, text


def open_cassette(path: Path) -> IO[str]:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.open("w", encoding="utf-8")
