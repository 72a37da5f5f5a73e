"""uvicorn's httptools protocol with the limits it lacks: request-head and body deadlines, head size and count,
and the bytes of an unfinished head it keeps in memory.

uvicorn closes a connection only when it idles after a response (`timeout_keep_alive`). A socket that never
sends a byte, sends a request head one header at a time, or stops half-way through a body is kept for
ever, and httptools puts no bound on a head's size. This subclass adds those bounds. It subclasses
uvicorn's own protocol (the documented `Config(http=<class>)` hook) rather than switching to h11, whose
limits exist but which serves about half as many requests per second here.

Deadlines cost one `loop.time()` per request phase: a sweeper task, one per event loop and only while
connections exist, closes the connections whose phase has run out, instead of a timer per request.
"""

from __future__ import annotations

import asyncio
import socket
import struct
from dataclasses import dataclass
from typing import Any, ClassVar

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

__all__ = ["ConnectionLimits", "guarded_protocol"]


@dataclass(frozen=True)
class ConnectionLimits:
    """What one HTTP/1.1 connection may take; defaults are nginx-like (client_header_timeout 60 s, 8 kB lines)."""

    head_timeout: float = 10.0
    """Seconds from a connection's first byte of a request (or from its opening) to the end of the head."""
    body_timeout: float = 30.0
    """Seconds from the end of a request head to the end of its body."""
    keep_alive: int = 5
    """Seconds an idle connection is kept after a response (uvicorn's `timeout_keep_alive`)."""
    max_url_bytes: int = 16 * 1024
    """A longer request target is answered 414."""
    max_head_bytes: int = 64 * 1024
    """The request target plus every header name and value; beyond it, 431."""
    max_headers: int = 100
    """Header lines per request; beyond it, 431."""
    max_head_buffer: int = 96 * 1024
    """Bytes of one request head received before it is complete (request line, headers, their punctuation);
    beyond it, 431 and the connection is closed. httptools keeps a header line until its end, so without this
    an endless line grows for as long as `head_timeout` allows (about 20 MB in 10 s). At least
    `max_url_bytes + max_head_bytes`, plus room for the punctuation."""

    def __post_init__(self) -> None:
        if self.max_head_buffer < self.max_url_bytes + self.max_head_bytes:
            raise ValueError("max_head_buffer must be at least max_url_bytes + max_head_bytes")

    @property
    def sweep_interval(self) -> float:
        return max(0.05, min(1.0, self.head_timeout / 4, self.body_timeout / 4))


class _Refused(Exception):
    """Raised from a parser callback: httptools turns it into HttpParserCallbackError, uvicorn into a 400."""


class _GuardedProtocol(HttpToolsProtocol):
    limits: ClassVar[ConnectionLimits] = ConnectionLimits()
    _sweepers: ClassVar[dict[asyncio.AbstractEventLoop, asyncio.Task[None]]] = {}

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._head_since: float | None = self.loop.time()  # nothing sent yet: the head's clock runs
        self._body_since: float | None = None
        self._head_bytes = 0
        self._header_count = 0
        self._head_buffered = 0  # bytes of the incomplete head received in earlier reads (data_received)
        self._head_began = False
        self._refusal: tuple[int, bytes, str] | None = None
        sweeper = self._sweepers.get(self.loop)
        if sweeper is None or sweeper.done():
            self._sweepers[self.loop] = self.loop.create_task(_sweep(self.loop, self.connections, self.limits))

    def data_received(self, data: bytes) -> None:
        in_head = self._head_since is not None
        self._head_began = False
        super().data_received(data)
        if self._head_since is None or self.transport.is_closing():
            return
        # The head is still incomplete. A read in which it began may also hold the end of the request before
        # (pipelining), so only the reads after it count: never more than the head's real size, and at most one
        # read (asyncio reads 256 KiB at a time) below it.
        if in_head and not self._head_began:
            self._head_buffered += len(data)
            if self._head_buffered > self.limits.max_head_buffer:
                detail = f"request head over {self.limits.max_head_buffer} bytes"
                self._refusal = (431, b"Request Header Fields Too Large", detail)
                self.send_400_response(detail)  # our 431, then the connection is closed

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.scope["extensions"] = {"simulators.abort": self.abort}  # type: ignore[dict-item]
        if self._head_since is None:
            self._head_since = self.loop.time()
        self._head_bytes = 0
        self._header_count = 0
        self._head_buffered = 0
        self._head_began = True

    def on_url(self, url: bytes) -> None:
        self._head_bytes += len(url)
        if self._head_bytes > self.limits.max_url_bytes:
            self._refuse(414, b"URI Too Long", f"request target over {self.limits.max_url_bytes} bytes")
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_count += 1
        self._head_bytes += len(name) + len(value)
        if self._header_count > self.limits.max_headers:
            self._refuse(431, b"Request Header Fields Too Large", f"more than {self.limits.max_headers} headers")
        if self._head_bytes > self.limits.max_head_bytes:
            self._refuse(431, b"Request Header Fields Too Large", f"head over {self.limits.max_head_bytes} bytes")
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._head_since = None
        self._body_since = self.loop.time()
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._body_since = None
        super().on_message_complete()

    def send_400_response(self, msg: str) -> None:
        if self._refusal is None:
            super().send_400_response(msg)
            return
        status, reason, detail = self._refusal
        body = detail.encode("ascii")
        self.transport.write(
            b"HTTP/1.1 %d %s\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: %d\r\n"
            b"connection: close\r\n\r\n%s" % (status, reason, len(body), body)
        )
        self.transport.close()

    def abort(self) -> None:
        """Reset the connection (RST, not FIN): the fault `kind=reset` (faults.py)."""
        sock = self.transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.transport.abort()

    def expire(self, now: float) -> None:
        """Close the connection if its request head or body has taken longer than allowed."""
        late_head = self._head_since is not None and now - self._head_since > self.limits.head_timeout
        late_body = self._body_since is not None and now - self._body_since > self.limits.body_timeout
        if (late_head or late_body) and not self.transport.is_closing():
            self.transport.close()  # as nginx does on client_header_timeout: no answer, the request never came

    def _refuse(self, status: int, reason: bytes, detail: str) -> None:
        self._refusal = (status, reason, detail)
        raise _Refused(detail)


async def _sweep(loop: asyncio.AbstractEventLoop, connections: set[Any], limits: ConnectionLimits) -> None:
    while connections:
        await asyncio.sleep(limits.sweep_interval)
        now = loop.time()
        for connection in list(connections):
            if isinstance(connection, _GuardedProtocol):
                connection.expire(now)


def guarded_protocol(limits: ConnectionLimits) -> type[asyncio.Protocol]:
    """The protocol class to pass as uvicorn's `Config(http=...)`, bound to `limits`."""
    return type("GuardedHttpToolsProtocol", (_GuardedProtocol,), {"limits": limits, "_sweepers": {}})
