"""SDK calls end: a total deadline per call (retries included) and a cap on the decoded response body."""

from __future__ import annotations

import asyncio
import gzip
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from mash_client.api.orders_and_invoicing import get_order, get_person_info

from mash_sdk import Mash, ServerError
from sdk_runtime import CallLimitError, DeadlineExceeded, ResponseTooLarge, RetryPolicy

SSN = "010771-257W"
HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"


@pytest.fixture
def drip() -> Iterator[str]:
    """A server that sends a response head, then one body byte every 0.2 s (for at most 30 s per client)."""
    server = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def feed(conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)
            conn.sendall(HEAD + b"[")
            ends = time.monotonic() + 30
            while not stop.is_set() and time.monotonic() < ends:
                try:
                    conn.sendall(b" ")
                except OSError:
                    return  # the client gave up: what the test wants
                stop.wait(0.2)

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            threading.Thread(target=feed, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/api"
    stop.set()
    thread.join(5)
    server.close()


def _mash(base_url: str, **options: object) -> Mash:
    return Mash(username="u", password="p", base_url=base_url, allow_insecure=True, **options)  # type: ignore[arg-type]


def test_a_drip_feeding_server_cannot_stretch_a_sync_call_past_its_deadline(drip: str) -> None:
    """Timeout(3) is per read: each byte resets it, so before the fix this call ran as long as the server fed."""
    with _mash(drip, timeout=httpx.Timeout(3), deadline=1.5) as mash:
        started = time.monotonic()
        with pytest.raises(DeadlineExceeded) as caught:
            get_person_info.sync(client=mash, person_id=SSN)
        elapsed = time.monotonic() - started
    assert elapsed < 1.5 + 3  # the deadline, plus at most one read timeout
    assert "deadline of 1.5 s" in str(caught.value)
    assert "/api/personinfo" in str(caught.value)
    assert SSN not in str(caught.value)  # the query (an SSN) is never in the message
    assert isinstance(caught.value, httpx.TimeoutException)  # handlers of timeouts catch it too


def test_a_drip_feeding_server_cannot_stretch_an_async_call_past_its_deadline(drip: str) -> None:
    async def call() -> float:
        async with _mash(drip, timeout=httpx.Timeout(3), deadline=1.5) as mash:
            started = time.monotonic()
            with pytest.raises(DeadlineExceeded):
                await get_order.asyncio("1", client=mash)
            return time.monotonic() - started

    assert asyncio.run(call()) < 1.5 + 3


def test_the_deadline_is_on_by_default() -> None:
    mash = Mash(username="u", password="p")
    assert mash._transport.limits.deadline == 60.0  # the default is the promise under test
    assert mash._transport.limits.max_response_bytes == 128 * 1024 * 1024


def _always_503(attempts: list[httpx.Request]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        attempts.append(request)
        return httpx.Response(503, headers={"Retry-After": "5"}, json={})

    return httpx.MockTransport(handler)


@pytest.mark.parametrize(("deadline", "expected_attempts"), [(3.0, 1), (None, 4)])
def test_retries_never_wait_past_the_deadline(deadline: float | None, expected_attempts: int) -> None:
    waits: list[float] = []
    attempts: list[httpx.Request] = []
    policy = RetryPolicy(max_wait=60, sleep=waits.append)
    with _mash("https://fi.mash.com/api", transport=_always_503(attempts), retry=policy, deadline=deadline) as mash:
        with pytest.raises(ServerError):  # the last real answer, as when the retry budget runs out
            get_order.sync("1", client=mash)
    assert len(attempts) == expected_attempts
    assert sum(waits) == 5.0 * (expected_attempts - 1)


def test_each_attempt_waits_no_longer_than_the_time_left() -> None:
    seen: list[dict[str, float]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(dict(request.extensions["timeout"]))
        return httpx.Response(204)

    transport = httpx.MockTransport(handler)
    with _mash("https://fi.mash.com/api", transport=transport, timeout=httpx.Timeout(30), deadline=2) as mash:
        get_person_info.sync_detailed(client=mash, person_id=SSN)
    assert all(0 < value <= 2 for value in seen[0].values()), seen


BIG = b'{"name": "' + b"x" * (2 << 20) + b'"}'


def _serving(body: bytes, headers: dict[str, str] | None = None) -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: httpx.Response(200, content=body, headers=headers))


def test_a_declared_oversize_body_is_refused_before_reading() -> None:
    with _mash("https://fi.mash.com/api", transport=_serving(BIG), max_response_bytes=1 << 20) as mash:
        with pytest.raises(ResponseTooLarge) as caught:
            get_person_info.sync(client=mash, person_id=SSN)
    assert "larger than 1048576 bytes" in str(caught.value)
    assert SSN not in str(caught.value)
    assert isinstance(caught.value, CallLimitError)


def test_a_gzip_bomb_is_stopped_at_the_decoded_cap() -> None:
    """50 KB on the wire, 50 MB decoded: the cap counts what would land in memory."""
    bomb = gzip.compress(b"[" + b" " * (50 << 20) + b"]")
    transport = _serving(bomb, {"Content-Encoding": "gzip", "Content-Type": "application/json"})
    with _mash("https://fi.mash.com/api", transport=transport, max_response_bytes=1 << 20) as mash:
        with pytest.raises(ResponseTooLarge):
            get_order.sync("1", client=mash)


def test_a_streamed_body_without_length_is_stopped_at_the_cap() -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"name": "'
        for _ in range(64):
            yield b"x" * 65536

    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=chunks()))
    with _mash("https://fi.mash.com/api", transport=transport, max_response_bytes=1 << 20) as mash:
        with pytest.raises(ResponseTooLarge):
            get_person_info.sync(client=mash, person_id=SSN)


def test_async_calls_are_capped_too() -> None:
    async def call() -> None:
        async with _mash("https://fi.mash.com/api", transport=_serving(BIG), max_response_bytes=1 << 20) as mash:
            await get_person_info.asyncio(client=mash, person_id=SSN)

    with pytest.raises(ResponseTooLarge):
        asyncio.run(call())


def test_bodies_within_the_limits_decode_as_before() -> None:
    body = b'{"name": "Teppo", "personId": "010771-****", "officialAddress": {"city": "Espoo"}}'
    transport = _serving(gzip.compress(body), {"Content-Encoding": "gzip", "Content-Type": "application/json"})
    with _mash("https://fi.mash.com/api", transport=transport, max_response_bytes=len(body)) as mash:
        assert get_person_info.sync(client=mash, person_id=SSN).name == "Teppo"


@pytest.mark.parametrize("options", [{"deadline": 0}, {"deadline": -1.0}, {"max_response_bytes": 0}])
def test_nonsense_limits_are_refused(options: dict[str, float]) -> None:
    with pytest.raises(ValueError, match=r"deadline|max_response_bytes"):
        _mash("https://fi.mash.com/api", **options)
