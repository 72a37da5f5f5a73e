"""The sandbox transport over real HTTP: request budget, Retry-After (seconds and HTTP-date), the maximum wait.

Timing is checked from the upstream's own arrival log, with lower bounds (a busy machine only makes gaps longer)
and request counts per window with a margin, never with a wall-clock upper bound.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from contract_tests.pacing import Manners, PacedTransport, SandboxLimitError, TokenBucket, retry_after_seconds
from simulators._serving import running_in_thread

from .upstream import Throttle, ThrottlingSandbox, max_in_window


async def _ok(request: Request) -> JSONResponse:
    return JSONResponse({"data": {"id": 7}})


def _sandbox(*throttles: Throttle) -> ThrottlingSandbox:
    return ThrottlingSandbox(Starlette(routes=[Route("/api/things", _ok, methods=["GET", "POST"])]), throttles)


@pytest.fixture
def served() -> Iterator[tuple[ThrottlingSandbox, str]]:
    sandbox = _sandbox(
        Throttle(1, 429, lambda: "1"),
        Throttle(3, 503, lambda: format_datetime(datetime.now(UTC) + timedelta(seconds=2), usegmt=True)),
        Throttle(5, 429, lambda: "3600"),
    )
    with running_in_thread(sandbox) as url:
        yield sandbox, url


def _send(url: str, manners: Manners, count: int = 1, method: str = "GET") -> list[httpx.Response | BaseException]:
    async def run() -> list[httpx.Response | BaseException]:
        transport = PacedTransport(httpx.AsyncHTTPTransport(), manners, origin=url)
        async with httpx.AsyncClient(transport=transport, base_url=url, timeout=30) as client:
            return await asyncio.gather(
                *(client.request(method, "/api/things") for _ in range(count)), return_exceptions=True
            )

    return asyncio.run(run())


def test_retry_after_is_read_in_both_forms() -> None:
    now = datetime(2026, 12, 2, 6, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("120", now) == 120.0
    assert retry_after_seconds(" 0 ", now) == 0.0
    assert retry_after_seconds("Wed, 02 Dec 2026 06:00:30 GMT", now) == 30.0
    assert retry_after_seconds("Wed, 02 Dec 2026 05:00:00 GMT", now) == 0.0  # a date past: no wait
    assert retry_after_seconds("9" * 40, now) == float("inf")
    for bad in ("soon", "-5", "1.5", "", "١٢"):  # delay-seconds is 1*DIGIT (ASCII) only
        assert retry_after_seconds(bad, now) is None, bad


def test_the_bucket_hands_out_rate_tokens_a_second() -> None:
    clock = [0.0]
    bucket = TokenBucket(4, clock=lambda: clock[0])
    assert [bucket.reserve() for _ in range(3)] == [0.0, 0.25, 0.5]  # one at once, then one every 1/4 s
    clock[0] = 10.0
    assert bucket.reserve() == 0.0  # saved up to the burst (1) only
    assert bucket.reserve() == 0.25
    with pytest.raises(ValueError, match="above 0"):
        TokenBucket(0)


def test_a_429_with_delay_seconds_is_waited_out_and_the_request_sent_again(
    served: tuple[ThrottlingSandbox, str],
) -> None:
    sandbox, url = served
    manners = Manners(rate=50, max_wait_s=10)
    [answer] = _send(url, manners, method="POST")
    assert isinstance(answer, httpx.Response) and answer.status_code == 200
    first, second = sandbox.log
    assert (first.status, second.status) == (429, 200)
    assert (second.method, second.path) == ("POST", "/api/things")
    assert second.at - first.at >= 0.95  # Retry-After: 1
    assert [(label, status) for label, status, _ in manners.waits] == [("POST /api/things", 429)]
    assert manners.exceeded == []


def test_a_503_with_an_http_date_is_waited_out_until_that_date(served: tuple[ThrottlingSandbox, str]) -> None:
    sandbox, url = served
    manners = Manners(rate=50, max_wait_s=10)
    _send(url, manners)  # requests 1 (429) and 2
    [answer] = _send(url, manners)  # request 3 answers 503 until a date 2 s ahead (1-2 s, dates are whole seconds)
    assert isinstance(answer, httpx.Response) and answer.status_code == 200
    third, fourth = sandbox.log[2:]
    assert (third.status, fourth.status) == (503, 200)
    assert fourth.at - third.at >= 0.95
    assert len(manners.waits) == 2


def test_a_wait_beyond_the_maximum_stops_the_run_with_the_reason(served: tuple[ThrottlingSandbox, str]) -> None:
    sandbox, url = served
    manners = Manners(rate=50, max_wait_s=5)
    for _ in range(2):
        _send(url, manners)  # requests 1-4: waited out
    [answer] = _send(url, manners)  # request 5: Retry-After 3600
    assert isinstance(answer, httpx.Response) and answer.status_code == 429  # passed on, not waited for
    assert manners.exceeded == [
        "GET /api/things answered 429 with Retry-After 3600 s, beyond the 5 s maximum "
        "(--sandbox-max-wait, CONTRACT_SANDBOX_MAX_WAIT)"
    ]
    assert "SANDBOX LIMIT: GET /api/things answered 429 with Retry-After 3600 s" in "\n".join(manners.summary())
    seen = len(sandbox.log)
    [refused] = _send(url, manners)  # the run is stopping: nothing more goes out...
    assert isinstance(refused, SandboxLimitError)
    assert len(sandbox.log) == seen
    manners.cleaning = True  # ...except its cleanup
    [cleanup] = _send(url, manners)
    assert isinstance(cleanup, httpx.Response) and len(sandbox.log) == seen + 1


def test_concurrent_requests_keep_to_the_budget() -> None:
    sandbox = _sandbox()
    rate, count = 20.0, 50
    with running_in_thread(sandbox) as url:
        answers = _send(url, Manners(rate=rate), count)
    assert all(isinstance(a, httpx.Response) and a.status_code == 200 for a in answers)
    times = [seen.at for seen in sandbox.log]
    assert len(times) == count
    # At most burst (1) + rate * 1 s in any second when sent; arrivals may bunch a little on a busy machine.
    assert max_in_window(times, 1.0) <= rate + 1 + 5, max_in_window(times, 1.0)
    assert max(times) - min(times) >= (count - 1) / rate * 0.9  # a lower bound: load can only stretch it


def test_a_read_only_target_refuses_writes_in_the_transport_too() -> None:
    sandbox = _sandbox()

    async def post(url: str) -> None:
        transport = PacedTransport(httpx.AsyncHTTPTransport(), Manners(rate=50), origin=url, read_only=True)
        async with httpx.AsyncClient(transport=transport, base_url=url) as client:
            assert (await client.get("/api/things")).status_code == 200
            with pytest.raises(SandboxLimitError, match="read-only"):
                await client.post("/api/things")

    with running_in_thread(sandbox) as url:
        asyncio.run(post(url))
    assert [seen.method for seen in sandbox.log] == ["GET"]
