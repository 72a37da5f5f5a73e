"""How the proxy reaches its upstream: one request in, the upstream's answer (or why there is none) out.

Over the network it is HTTP/1.1 on asyncio connections of our own, kept alive in a pool, each answer parsed
by httptools (the C parser uvicorn serves with). Written by hand rather than taken from a client library
because what a library does on top of the wire is what the proxy must not pay for on every request: measured
under the paced load of benchmarks/proxy.py (16 connections, 400 req/s, the same uvicorn front and upstream),
a bare pass-through over aiohttp's ClientSession added 3.9 ms to the upstream's p99 and over these
connections 1.5 ms; httpx's AsyncClient cost more CPU still than aiohttp (1.3 ms per request, half of it its
pool polling idle sockets). The parsing stays a library's. An in-process upstream (an ASGI app, for tests
and recording scenarios) is reached through an httpx transport (`httpx.ASGITransport`).

Both pass the request on as it came (no cookie jar, no redirects followed, none of a client's own default
headers, the path and query as sent) and hand back the answer's raw bytes, still content-encoded.
"""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass
from typing import Protocol, cast
from urllib.parse import urlsplit

import httptools
import httpx

__all__ = ["Answer", "HttpxUpstream", "NoAnswer", "SocketUpstream", "Upstream"]

# RFC 9110 §9.2.2: a request whose connection closed before any answer is sent again (once, on a new
# connection) only when repeating it cannot do harm. A kept-alive connection the upstream has just closed
# is the usual cause; an order POSTed twice is the harm.
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"})
_FRAMING = frozenset({b"content-length", b"transfer-encoding"})
MAX_HEADER_BYTES = 64 * 1024  # an upstream's status line and headers together; beyond it there is no answer


@dataclass(frozen=True, slots=True)
class Answer:
    """The upstream's answer: status, headers as sent (names and order kept), the body's raw bytes."""

    status: int
    headers: list[tuple[bytes, bytes]]
    raw: bytes


@dataclass(frozen=True, slots=True)
class NoAnswer:
    """No answer to pass on: the status the proxy answers with itself (504 timeout, 502 otherwise) and why."""

    status: int
    why: str


class Upstream(Protocol):
    async def start(self) -> None: ...

    async def send(self, method: str, target: str, headers: list[tuple[str, str]], body: bytes) -> Answer | NoAnswer:
        """`target`: the path and query exactly as the client sent them; `headers` without hop-by-hop ones."""
        ...

    async def close(self) -> None: ...


class _Failed(Exception):
    """An exchange on one connection that produced no answer to pass on."""

    def __init__(self, why: str, *, answered: bool) -> None:
        super().__init__(why)
        self.why = why
        self.answered = answered  # the status line had arrived: the body broke off, not the connection


class _Connection(asyncio.Protocol):
    """One kept-alive connection: sends a request, parses the answer, hands it to the waiting exchange."""

    def __init__(self, max_body_bytes: int) -> None:
        self._max_body_bytes = max_body_bytes
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.reusable = False
        self._answer: asyncio.Future[Answer] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's transports are not asyncio.Transport subclasses

    def exchange(self, request: bytes, *, head: bool) -> asyncio.Future[Answer]:
        """Send `request`; the future gets the answer, or a _Failed saying why there is none."""
        assert self.transport is not None and self._answer is None
        # A parser per exchange: a HEAD answer announces a body that never comes, so its parser is left behind.
        self._parser = httptools.HttpResponseParser(self)
        self._head = head
        self._headers: list[tuple[bytes, bytes]] = []
        self._header_bytes = 0
        self._framed = False  # a Content-Length or Transfer-Encoding header came
        self._chunks: list[bytes] = []
        self._size = 0
        self._status = 0  # the final answer's, once its headers are in
        self._until_eof = False
        self.reusable = False
        self._answer = asyncio.get_running_loop().create_future()
        self.transport.write(request)
        return self._answer

    def data_received(self, data: bytes) -> None:
        if self._answer is None or self._answer.done():
            self._fail("the upstream sent bytes nobody asked for", answered=False)  # never reused after this
            return
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._fail("the upstream switched protocols, which the proxy does not forward", answered=True)
        except httptools.HttpParserError as exc:
            if self._answer is not None and not self._answer.done():  # not a failure a callback already gave
                self._fail(f"the upstream's answer is not HTTP/1.1 ({exc})", answered=self.answered)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self._answer is None or self._answer.done():
            return
        if self._until_eof:  # a body delimited by the end of the connection (no length, not chunked) is whole
            self._finish()
        elif self.answered:
            self._fail("the upstream's body broke off (the connection closed)", answered=True)
        else:
            self._fail("the upstream closed the connection before answering", answered=False)

    # httptools' callbacks
    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_bytes += len(name) + len(value) + 4
        if self._header_bytes > MAX_HEADER_BYTES:
            self._fail(f"the upstream's headers are beyond {MAX_HEADER_BYTES} bytes", answered=False)
            return
        self._headers.append((name, value))
        if not self._framed and name.lower() in _FRAMING:
            self._framed = True

    def on_headers_complete(self) -> None:
        status = self._parser.get_status_code()
        if 100 <= status < 200 and status != 101:  # an interim answer (100 Continue, 103): the final one follows
            self._headers, self._header_bytes, self._framed = [], 0, False
            return
        if status == 101:  # the connection would carry another protocol from here: nothing HTTP to pass on
            self._fail("the upstream switched protocols, which the proxy does not forward", answered=True)
            return
        self._status = status
        if self._head:
            self._finish()
            return
        self._until_eof = not self._framed and status not in (204, 304)  # no length, not chunked: ends with EOF

    def on_body(self, chunk: bytes) -> None:
        if self._answer is None or self._answer.done():
            return
        self._size += len(chunk)
        if self._size > self._max_body_bytes:
            self._fail(f"the upstream's body is beyond {self._max_body_bytes} bytes", answered=True)
            return
        self._chunks.append(chunk)

    def on_message_complete(self) -> None:
        if self.answered:  # not an interim answer's end
            self._finish()

    def _finish(self) -> None:
        answer = self._answer
        if answer is None or answer.done():
            return
        self.reusable = not self._until_eof and self._parser.should_keep_alive()
        self._answer = None
        answer.set_result(Answer(self._status, self._headers, b"".join(self._chunks)))

    def _fail(self, why: str, *, answered: bool) -> None:
        answer, self._answer = self._answer, None
        self.reusable = False
        if self.transport is not None:
            self.transport.close()
        if answer is not None and not answer.done():
            answer.set_exception(_Failed(why, answered=answered))

    @property
    def answered(self) -> bool:
        """The final answer's status line and headers have arrived."""
        return self._status != 0

    def abandon(self) -> None:
        """The exchange was given up on (a timeout): the connection is out of step, so it goes."""
        self._answer = None
        self.reusable = False
        if self.transport is not None:
            self.transport.close()


class SocketUpstream:
    """Kept-alive HTTP/1.1 connections to one upstream (`scheme://host[:port]`), at most `connections` at once."""

    def __init__(
        self,
        origin: str,
        *,
        timeout_s: float,
        max_body_bytes: int,
        verify: bool | str,
        connections: int = 100,
    ) -> None:
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"an upstream is scheme://host[:port], not {origin!r}")
        self.timeout_s = timeout_s
        self.max_body_bytes = max_body_bytes
        self._host = parts.hostname
        self._port = parts.port or (443 if parts.scheme == "https" else 80)
        self._host_header = parts.netloc.encode("idna" if not parts.netloc.isascii() else "ascii")
        self._tls = _tls_context(verify) if parts.scheme == "https" else None
        self._slots = asyncio.Semaphore(connections)
        self._idle: list[_Connection] = []

    async def start(self) -> None:
        return None  # connections are opened on demand

    async def send(self, method: str, target: str, headers: list[tuple[str, str]], body: bytes) -> Answer | NoAnswer:
        request = self._request(method, target, headers, body)
        async with self._slots:
            connection: _Connection | None = None
            try:
                async with asyncio.timeout(self.timeout_s):  # the whole exchange, body included
                    connection = self._idle_connection()
                    reused = connection is not None
                    try:
                        if connection is None:
                            connection = await self._connect()
                        answer = await connection.exchange(request, head=method == "HEAD")
                    except _Failed as failed:
                        if not (reused and not failed.answered and method in IDEMPOTENT):
                            raise
                        connection = await self._connect()  # the kept-alive connection had gone: once more
                        answer = await connection.exchange(request, head=method == "HEAD")
            except TimeoutError:
                answered = connection is not None and connection.answered
                if connection is not None:
                    connection.abandon()
                if answered:
                    return NoAnswer(504, f"the upstream's body did not arrive within {self.timeout_s} s")
                return NoAnswer(504, f"the upstream did not answer within {self.timeout_s} s")
            except _Failed as failed:
                return NoAnswer(502, failed.why)
            except OSError as exc:  # refused, unreachable, name not found, TLS refused (ssl.SSLError is one)
                return NoAnswer(502, f"the upstream could not be reached ({type(exc).__name__})")
            if connection.reusable and not connection.closed:
                self._idle.append(connection)
            elif connection.transport is not None:
                connection.transport.close()
            return answer

    async def close(self) -> None:
        for connection in self._idle:
            if connection.transport is not None:
                connection.transport.close()
        self._idle.clear()

    def _idle_connection(self) -> _Connection | None:
        while self._idle:
            connection = self._idle.pop()
            if not connection.closed:
                return connection
        return None

    async def _connect(self) -> _Connection:
        loop = asyncio.get_running_loop()
        max_body_bytes = self.max_body_bytes
        _, connection = await loop.create_connection(
            lambda: _Connection(max_body_bytes),
            self._host,
            self._port,
            ssl=self._tls,
            server_hostname=self._host if self._tls is not None else None,
        )
        return connection

    def _request(self, method: str, target: str, headers: list[tuple[str, str]], body: bytes) -> bytes:
        """The request's bytes: the client's headers in their order, the upstream's Host, the body's length.

        The header names and values come from the proxy's own HTTP parser, which refuses CR and LF in them,
        so nothing a client sends can start a second request here.
        """
        lines = [f"{method} {target} HTTP/1.1".encode("latin-1"), b"host: " + self._host_header]
        sent_length = False
        for name, value in headers:
            if name.lower() == "content-length":
                sent_length = True
                continue
            lines.append(f"{name}: {value}".encode("latin-1"))
        if body or sent_length:
            lines.append(b"content-length: " + str(len(body)).encode())
        return b"\r\n".join(lines) + b"\r\n\r\n" + body


def _tls_context(verify: bool | str) -> ssl.SSLContext:
    if isinstance(verify, str):
        return ssl.create_default_context(cafile=verify)
    context = ssl.create_default_context()
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


class HttpxUpstream:
    """An httpx transport as the upstream (`httpx.ASGITransport(app=simulator)`: recording in-process)."""

    def __init__(
        self, transport: httpx.AsyncBaseTransport, origin: str, *, timeout_s: float, max_body_bytes: int
    ) -> None:
        self.timeout_s = timeout_s
        self.max_body_bytes = max_body_bytes
        self._origin = origin
        self._transport = transport
        self._client: httpx.AsyncClient | None = None

    async def start(self) -> None:
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(self.timeout_s), follow_redirects=False, trust_env=False, transport=self._transport
        )

    async def send(self, method: str, target: str, headers: list[tuple[str, str]], body: bytes) -> Answer | NoAnswer:
        assert self._client is not None, "the upstream client was not started"
        request = httpx.Request(method, self._origin + target, headers=headers, content=body)
        try:
            response = await asyncio.wait_for(self._client.send(request, stream=True), self.timeout_s)
        except (httpx.TimeoutException, TimeoutError):
            return NoAnswer(504, f"the upstream did not answer within {self.timeout_s} s")
        except httpx.HTTPError as exc:
            return NoAnswer(502, f"the upstream could not be reached ({type(exc).__name__})")
        try:
            raw = b""
            async for chunk in response.aiter_raw():
                raw += chunk
                if len(raw) > self.max_body_bytes:
                    return NoAnswer(502, f"the upstream's body is beyond {self.max_body_bytes} bytes")
        except httpx.TimeoutException:
            return NoAnswer(504, f"the upstream's body did not arrive within {self.timeout_s} s")
        except httpx.HTTPError as exc:
            return NoAnswer(502, f"the upstream's body broke off ({type(exc).__name__})")
        finally:
            await response.aclose()
        return Answer(response.status_code, list(response.headers.raw), raw)

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
