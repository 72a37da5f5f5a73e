"""Slow and oversized clients against served simulators, over real loopback sockets (bounded, self-stopping)."""

from __future__ import annotations

import selectors
import socket
import ssl
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import cast

import httpx
import pytest

from simulators._serving import ConnectionLimits, running_in_thread
from simulators._serving.tls import issue_test_certificate
from simulators.mash import DEFAULT_MERCHANT
from simulators.mash import create_app as mash_app
from simulators.mycashflow import DEFAULT_USER
from simulators.mycashflow import create_app as mycashflow_app

FAST = ConnectionLimits(head_timeout=1.0, body_timeout=1.0, keep_alive=1)
GIVE_UP_AFTER = 20.0  # seconds: the test fails (not hangs) if the server keeps the sockets


def _address(base: str) -> tuple[str, int]:
    host, port = base.split("://", 1)[1].rsplit(":", 1)
    return host, int(port)


def _wait_until_all_closed(sockets: Sequence[socket.socket], give_up_after: float) -> list[socket.socket]:
    """Read every socket until the server closes it; returns the ones still open when time is up."""
    selector = selectors.DefaultSelector()
    for sock in sockets:
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ)
    open_ = set(sockets)
    deadline = time.monotonic() + give_up_after
    while open_ and time.monotonic() < deadline:
        for key, _ in selector.select(timeout=0.2):
            sock = cast(socket.socket, key.fileobj)
            try:
                data = sock.recv(65536)
            except (BlockingIOError, ssl.SSLWantReadError):  # e.g. a TLS 1.3 session ticket, no app data
                continue
            except (ConnectionResetError, ssl.SSLError):  # SSLWantReadError is an SSLError: caught above first
                data = b""
            if not data:
                selector.unregister(sock)
                open_.discard(sock)
    selector.close()
    return list(open_)


def _slow_clients(base: str, idle: int, partial_head: int, partial_body: int) -> list[socket.socket]:
    sockets = []
    for i in range(idle + partial_head + partial_body):
        sock = socket.create_connection(_address(base), timeout=5)
        if i >= idle + partial_head:
            sock.sendall(b'POST /api/orders HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"a": ')
        elif i >= idle:
            sock.sendall(b"GET /api/orders/1 HTTP/1.1\r\nHost: x\r\nX-Slow: ")  # slowloris: head never ends
        sockets.append(sock)
    return sockets


def test_a_thousand_idle_slow_and_stalled_sockets_are_closed() -> None:
    with running_in_thread(mash_app(), limits=FAST) as base, ExitStack() as stack:
        sockets = _slow_clients(base, idle=600, partial_head=200, partial_body=200)
        for sock in sockets:
            stack.callback(sock.close)
        with httpx.Client(base_url=base, auth=(DEFAULT_MERCHANT.username, DEFAULT_MERCHANT.password)) as client:
            answer = client.get("/api/orders/1", headers={"Accept": "application/json"})  # others are still served
        assert answer.status_code in (400, 404), answer.text
        still_open = _wait_until_all_closed(sockets, GIVE_UP_AFTER)
        assert len(still_open) == 0, f"{len(still_open)} of {len(sockets)} slow sockets still open"


def test_a_keep_alive_connection_is_closed_when_idle_after_a_response() -> None:
    with running_in_thread(mash_app(), limits=FAST) as base, socket.create_connection(_address(base), 5) as sock:
        sock.sendall(b"GET /api/orders/1 HTTP/1.1\r\nHost: x\r\n\r\n")
        assert sock.recv(65536).startswith(b"HTTP/1.1 401")
        assert _wait_until_all_closed([sock], GIVE_UP_AFTER) == []


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> object:
    return issue_test_certificate(Path(tmp_path_factory.mktemp("tls")), ["example-store.mycashflow.fi"])


def test_mycashflow_https_listener_closes_idle_and_slowloris_connections(tls: object) -> None:
    """TLS handshake done, then nothing (or half a head): the HTTPS listener closes them too."""
    context = ssl.create_default_context(cafile=str(tls.ca_cert))  # type: ignore[attr-defined]
    with running_in_thread(mycashflow_app(), tls=tls, limits=FAST) as base, ExitStack() as stack:  # type: ignore[arg-type]
        sockets = []
        for i in range(100):
            raw = socket.create_connection(_address(base), timeout=5)
            sock = context.wrap_socket(raw, server_hostname="localhost")
            stack.callback(sock.close)
            if i % 2:
                sock.sendall(b"GET /api/v1/products HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
            sockets.append(sock)
        verify = ssl.create_default_context(cafile=str(tls.ca_cert))  # type: ignore[attr-defined]
        with httpx.Client(base_url=base, verify=verify, auth=(DEFAULT_USER.email, DEFAULT_USER.api_key)) as client:
            assert client.get("/api/v1/products?page_size=1").status_code == 200
        still_open = _wait_until_all_closed(sockets, GIVE_UP_AFTER)
        assert len(still_open) == 0, f"{len(still_open)} of {len(sockets)} TLS sockets still open"


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    with running_in_thread(mash_app()) as base:
        yield base


def _raw(base: str, request: bytes) -> bytes:
    with socket.create_connection(_address(base), timeout=5) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
            if b"\r\n\r\n" in b"".join(chunks):
                break
        return b"".join(chunks)


def test_too_many_headers_are_431(served: str) -> None:
    headers = b"".join(b"X-H%d: v\r\n" % i for i in range(101))
    answer = _raw(served, b"GET /api/orders/1 HTTP/1.1\r\nHost: x\r\n" + headers + b"\r\n")
    assert answer.startswith(b"HTTP/1.1 431"), answer[:200]


def test_a_huge_header_is_431(served: str) -> None:
    answer = _raw(served, b"GET /api/orders/1 HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 431"), answer[:200]


def test_a_very_long_url_is_414(served: str) -> None:
    answer = _raw(served, b"GET /api/orders/" + b"1" * 20_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 414"), answer[:200]


def test_heads_within_the_limits_are_served(served: str) -> None:
    headers = b"".join(b"X-H%d: %s\r\n" % (i, b"v" * 500) for i in range(90))
    answer = _raw(served, b"GET /api/orders/" + b"1" * 8000 + b" HTTP/1.1\r\nHost: x\r\n" + headers + b"\r\n")
    assert answer.startswith(b"HTTP/1.1 401"), answer[:200]


ENDLESS_SEND_CAP = 8 * 1024 * 1024  # the test stops sending here: the old server took every byte until its 10 s
ENDLESS_ALLOWED = 1024 * 1024  # the limit (96 KiB) plus what may sit in the two sockets' kernel buffers


def _send_endless_header(base: str, give_up_after: float) -> tuple[int, bytes]:
    """A head whose one header line never ends, sent in 16 KiB writes until the server closes the connection
    (or the cap or the time is reached); returns the bytes the server accepted and what it answered."""
    sent = 0
    with socket.create_connection(_address(base), timeout=5) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16 * 1024)  # few bytes waiting on our side
        sock.sendall(b"GET /api/orders/1 HTTP/1.1\r\nHost: x\r\nX-Endless: ")
        chunk = b"a" * 16 * 1024
        deadline = time.monotonic() + give_up_after
        try:
            while sent < ENDLESS_SEND_CAP and time.monotonic() < deadline:
                sock.sendall(chunk)
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            pass  # the server closed the connection
        answer = b""
        try:
            sock.settimeout(2)
            answer = sock.recv(65536)
        except OSError:  # reset: the server closed with our bytes unread, which may drop its answer
            pass
    return sent, answer


def test_an_endless_header_line_is_cut_off_with_bounded_memory(served: str) -> None:
    """httptools keeps a header line until it ends: the server stops reading after max_head_buffer bytes."""
    sent, answer = _send_endless_header(served, give_up_after=15.0)
    assert sent <= ENDLESS_ALLOWED, f"the server accepted {sent} bytes of one unfinished head"
    assert answer == b"" or answer.startswith(b"HTTP/1.1 431"), answer[:200]
