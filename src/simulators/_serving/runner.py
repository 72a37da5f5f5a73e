"""Run an app on uvicorn (httptools, one worker, no access log, HTTP or HTTPS): from the CLI, or in a thread."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.types import ASGIApp

from .heap import frozen_after_startup
from .lifespan import after_startup
from .protocol import ConnectionLimits, guarded_protocol
from .tls import TlsFiles

__all__ = ["DEFAULT_LIMITS", "free_port", "running_in_thread", "serve"]

DEFAULT_LIMITS = ConnectionLimits()
ProtocolClass = type[asyncio.Protocol]  # a connection's protocol class, as uvicorn's Config(http=...) takes it


def _config(
    app: ASGIApp, host: str, port: int, tls: TlsFiles | None, *, limits: ConnectionLimits, http: ProtocolClass | None
) -> uvicorn.Config:
    # The access log costs ~40 % of throughput; httptools is twice as fast as h11 here, and
    # guarded_protocol adds the deadlines and head limits it lacks (protocol.py).
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=http or guarded_protocol(limits),
        timeout_keep_alive=limits.keep_alive,
        loop="auto",
        access_log=False,
        log_level="warning",
        workers=1,
        ssl_certfile=None if tls is None else str(tls.cert_chain),
        ssl_keyfile=None if tls is None else str(tls.key),
    )


def serve(
    app: ASGIApp,
    host: str,
    port: int,
    *,
    tls: TlsFiles | None = None,
    http_port: int | None = None,
    limits: ConnectionLimits = DEFAULT_LIMITS,
    http: ProtocolClass | None = None,
) -> None:
    """Serve until interrupted (Ctrl-C / SIGTERM); over HTTPS with `tls`, plus plain HTTP on `http_port` if given.

    `http`: the connections' protocol class, guarded_protocol(limits) by default (a subclass of it that answers
    without ASGI: trafficcheck.wire). This process serves and nothing else: its start-up heap is frozen once
    the app has started (heap.py)."""
    frozen = frozen_after_startup(app)  # the main listener's start-up, the last to complete: one freeze
    if http_port is None:
        uvicorn.Server(_config(frozen, host, port, tls, limits=limits, http=http)).run()
        return
    # The plain listener serves the same app, which decides what plain HTTP gets (e.g. MyCashflow's 400).
    with running_in_thread(app, host, port=http_port, limits=limits, http=http):
        uvicorn.Server(_config(frozen, host, port, tls, limits=limits, http=http)).run()


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on now (the OS picks it), for a server started by another process."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def running_in_thread(
    app: ASGIApp,
    host: str = "127.0.0.1",
    deadline_s: float = 15.0,
    *,
    port: int = 0,
    tls: TlsFiles | None = None,
    limits: ConnectionLimits = DEFAULT_LIMITS,
    http: ProtocolClass | None = None,
) -> Iterator[str]:
    """Serve `app` in a daemon thread (port 0: a free one); yields its base URL once it accepts requests."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))  # bound before the thread starts: the port is ours, no race for a free one
    port = sock.getsockname()[1]
    started = threading.Event()
    server = uvicorn.Server(_config(after_startup(app, started.set), host, port, tls, limits=limits, http=http))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name=f"uvicorn:{port}")
    thread.start()
    deadline = time.monotonic() + deadline_s
    while not (started.wait(0.05) and server.started):
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"uvicorn on {host}:{port} did not start within {deadline_s} s")
    try:
        yield f"{'http' if tls is None else 'https'}://{'[' + host + ']' if ':' in host else host}:{port}"
    finally:
        server.should_exit = True
        thread.join(deadline_s)
        sock.close()
