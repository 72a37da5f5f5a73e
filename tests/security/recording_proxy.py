"""A recording reverse proxy on 127.0.0.1: every request it receives is logged, then forwarded upstream (httpx).

It stands where a vendor's sandbox would: whatever a contract run sends "to the sandbox" shows in `log`,
whatever its method. Built on the standard library's HTTP server rather than an ASGI server because
those (uvicorn's parsers) refuse unusual methods before an app sees them, and this log must see
every method a client dares to send (TRACE, QUERY, PROPFIND...).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

__all__ = ["Recorded", "RecordingProxy", "recording_proxy"]

MAX_BODY = 2 * 1024 * 1024  # a test proxy: refuse anything bigger than a contract case would send
_HOP_BY_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade"})


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str


@dataclass
class RecordingProxy:
    url: str
    log: list[Recorded] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def methods(self) -> set[str]:
        with self.lock:
            return {entry.method for entry in self.log}

    def writes(self) -> list[Recorded]:
        """Every request whose method is not GET or HEAD."""
        with self.lock:
            return [entry for entry in self.log if entry.method not in ("GET", "HEAD")]


def _handler(proxy: RecordingProxy, upstream: httpx.Client) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # The head and the body leave in two writes: with Nagle's algorithm on, the body waits for the client to
        # acknowledge the head, which Linux delays up to 40 ms on a kept-alive loopback connection. Every answer
        # took 40 ms more: the read-only sandbox run spent 65 of its 100 s waiting (py-spy --idle).
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:  # quiet: the log is `proxy.log`
            pass

        def __getattr__(self, name: str) -> Any:
            # BaseHTTPRequestHandler dispatches to `do_<METHOD>`: answer every method, known or not.
            if name.startswith("do_"):
                return self._forward
            raise AttributeError(name)

        def _forward(self) -> None:
            with proxy.lock:
                proxy.log.append(Recorded(self.command, self.path))
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self.send_error(413)
                return
            body = self.rfile.read(length) if length else None
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
            answer = upstream.request(self.command, self.path, content=body, headers=headers)
            self.send_response(answer.status_code, answer.reason_phrase)
            for name, value in answer.headers.multi_items():
                if name.lower() not in _HOP_BY_HOP | {"content-length", "content-encoding"}:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer.content)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(answer.content)

    return Handler


@contextmanager
def recording_proxy(upstream: str) -> Iterator[RecordingProxy]:
    """A proxy on a free loopback port that records every request and forwards it to `upstream` (plain HTTP)."""
    proxy = RecordingProxy(url="")
    # httpx, not http.client, forwards: the wire guard under test watches http.client in this very process.
    client = httpx.Client(base_url=upstream, timeout=30, follow_redirects=False)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(proxy, client))
    server.daemon_threads = True
    proxy.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
        client.close()
