"""RetryTransport: what is repeated, how often, how long it waits, and what never is."""

from __future__ import annotations

import asyncio
import email.utils
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Literal

import httpx
import pytest

from sdk_runtime import RetryPolicy, RetryTransport

from ..conftest import Clock, Network

Mode = Literal["sync", "async"]
MODES: list[Mode] = ["sync", "async"]
URL = "https://api.test/v1/things/1"


def send(mode: Mode, transport: RetryTransport, method: str = "GET", url: str = URL) -> httpx.Response:
    """One request through `transport` with a plain httpx client of the given flavour."""
    if mode == "sync":
        with httpx.Client(transport=transport) as client:
            return client.request(method, url)

    async def go() -> httpx.Response:
        async with httpx.AsyncClient(transport=transport) as client:
            return await client.request(method, url)

    return asyncio.run(go())


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("status", [500, 502, 503, 504, 429])
def test_a_get_is_repeated_after_a_retryable_status_until_it_succeeds(
    mode: Mode, status: int, clock: Clock, network: Callable[..., Network]
) -> None:
    net = network(httpx.Response(status), httpx.Response(status), httpx.Response(200, text="ok"))
    response = send(mode, RetryTransport(net.transport, clock.policy()))
    assert (response.status_code, response.text) == (200, "ok")
    assert len(net.requests) == 3
    assert clock.waits == [0.5, 1.0]  # exponential: backoff, then doubled (jitter off)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "error", [httpx.ConnectError("refused"), httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("eof")]
)
def test_a_get_is_repeated_after_a_connection_error(
    mode: Mode, error: Exception, clock: Clock, network: Callable[..., Network]
) -> None:
    net = network(error, httpx.Response(200))
    assert send(mode, RetryTransport(net.transport, clock.policy())).status_code == 200
    assert len(net.requests) == 2


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("status", [400, 401, 404, 409, 422, 501])
def test_other_statuses_are_not_repeated(
    mode: Mode, status: int, clock: Clock, network: Callable[..., Network]
) -> None:
    net = network(httpx.Response(status))
    assert send(mode, RetryTransport(net.transport, clock.policy())).status_code == status
    assert (len(net.requests), clock.waits) == (1, [])


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("method", ["POST", "PATCH", "DELETE", "PUT"])
def test_unsafe_methods_are_never_repeated_by_default(
    mode: Mode, method: str, clock: Clock, network: Callable[..., Network]
) -> None:
    net = network(httpx.Response(503), httpx.Response(200))
    assert send(mode, RetryTransport(net.transport, clock.policy()), method).status_code == 503
    net_errors = network(httpx.ReadTimeout("the server may have created it"), httpx.Response(200))
    with pytest.raises(httpx.ReadTimeout):
        send(mode, RetryTransport(net_errors.transport, clock.policy()), method)
    assert (len(net.requests), len(net_errors.requests), clock.waits) == (1, 1, [])


@pytest.mark.parametrize("mode", MODES)
def test_a_method_is_repeated_only_when_the_policy_names_it(
    mode: Mode, clock: Clock, network: Callable[..., Network]
) -> None:
    net = network(httpx.Response(503), httpx.Response(200))
    policy = clock.policy(methods=frozenset({"GET", "PUT"}))
    assert send(mode, RetryTransport(net.transport, policy), "PUT").status_code == 200
    assert len(net.requests) == 2


@pytest.mark.parametrize("mode", MODES)
def test_the_retry_count_budget_stops_and_surfaces_the_last_response(
    mode: Mode, clock: Clock, network: Callable[..., Network]
) -> None:
    net = network(httpx.Response(503, text="still down"))
    response = send(mode, RetryTransport(net.transport, clock.policy(max_retries=2)))
    assert (response.status_code, response.text) == (503, "still down")
    assert len(net.requests) == 3
    assert clock.waits == [0.5, 1.0]


@pytest.mark.parametrize("mode", MODES)
def test_the_wait_budget_stops_before_a_wait_that_would_exceed_it(
    mode: Mode, clock: Clock, network: Callable[..., Network]
) -> None:
    net = network(httpx.Response(503))
    policy = clock.policy(max_retries=10, backoff=1.0, max_backoff=100.0, max_wait=5.0)
    assert send(mode, RetryTransport(net.transport, policy)).status_code == 503
    assert clock.waits == [1.0, 2.0]  # a third wait (4.0) would make 7.0 > 5.0
    assert len(net.requests) == 3


@pytest.mark.parametrize("mode", MODES)
def test_the_last_connection_error_is_raised_when_the_budget_is_spent(
    mode: Mode, clock: Clock, network: Callable[..., Network]
) -> None:
    net = network(httpx.ConnectError("refused"))
    with pytest.raises(httpx.ConnectError):
        send(mode, RetryTransport(net.transport, clock.policy(max_retries=3)))
    assert len(net.requests) == 4


@pytest.mark.parametrize("mode", MODES)
def test_retry_after_seconds_is_honoured_instead_of_the_backoff(
    mode: Mode, clock: Clock, network: Callable[..., Network]
) -> None:
    net = network(httpx.Response(503, headers={"Retry-After": "7"}), httpx.Response(200))
    assert send(mode, RetryTransport(net.transport, clock.policy())).status_code == 200
    assert clock.waits == [7.0]


def test_retry_after_as_an_http_date_is_measured_with_the_injected_clock(
    clock: Clock, network: Callable[..., Network]
) -> None:
    now = 1_750_000_000.0
    when = email.utils.formatdate(now + 12, usegmt=True)
    net = network(httpx.Response(429, headers={"Retry-After": when}), httpx.Response(200))
    assert send("sync", RetryTransport(net.transport, clock.policy(clock=lambda: now))).status_code == 200
    assert clock.waits == [12.0]


def test_a_retry_after_beyond_the_wait_budget_is_not_waited_for(clock: Clock, network: Callable[..., Network]) -> None:
    net = network(httpx.Response(503, headers={"Retry-After": "3600"}), httpx.Response(200))
    assert send("sync", RetryTransport(net.transport, clock.policy(max_wait=30.0))).status_code == 503
    assert (len(net.requests), clock.waits) == (1, [])


def test_an_unreadable_retry_after_falls_back_to_the_backoff(clock: Clock, network: Callable[..., Network]) -> None:
    net = network(httpx.Response(503, headers={"Retry-After": "soon"}), httpx.Response(200))
    assert send("sync", RetryTransport(net.transport, clock.policy())).status_code == 200
    assert clock.waits == [0.5]


def test_jitter_takes_up_to_half_of_each_capped_backoff(clock: Clock, network: Callable[..., Network]) -> None:
    net = network(httpx.Response(503))
    draws = iter([0.0, 1.0, 0.5, 0.0])
    policy = clock.policy(max_retries=4, max_backoff=1.5, max_wait=100.0, rng=lambda: next(draws))
    send("sync", RetryTransport(net.transport, policy))
    assert clock.waits == [0.5, 0.5, 1.5 * 0.75, 1.5]  # 0.5, 1.0 halved, 2.0 capped to 1.5 (x0.75), 1.5


def test_disabled_policy_sends_once(clock: Clock, network: Callable[..., Network]) -> None:
    net = network(httpx.Response(503))
    send("sync", RetryTransport(net.transport, RetryPolicy.disabled()))
    assert len(net.requests) == 1


def test_each_retry_is_logged_with_method_url_and_reason_but_no_query(
    clock: Clock, network: Callable[..., Network], caplog: pytest.LogCaptureFixture
) -> None:
    net = network(httpx.Response(503))
    with caplog.at_level(logging.INFO, logger="sdk_runtime.retry"):
        send("sync", RetryTransport(net.transport, clock.policy(max_retries=1)), url=URL + "?personId=010771-257W")
    messages = [record.getMessage() for record in caplog.records]
    assert messages == [
        f"Retrying GET {URL} in 0.50 s (retry 1 of 1): HTTP 503",
        f"Giving up on GET {URL} after 1 retries (0.50 s waited): HTTP 503",
    ]


def test_a_sync_only_transport_refuses_async_requests(clock: Clock) -> None:
    class SyncOnly(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            return httpx.Response(200)

    with pytest.raises(TypeError, match="SyncOnly cannot send asynchronous requests"):
        send("async", RetryTransport(SyncOnly(), clock.policy()))


class _StopsHalfWay(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body whose connection drops after its first chunk, as a server that dies mid-answer."""

    def __iter__(self) -> Iterator[bytes]:
        yield b'{"half": '
        raise httpx.RemoteProtocolError("peer closed connection without sending complete message body")

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b'{"half": '
        raise httpx.RemoteProtocolError("peer closed connection without sending complete message body")


def _half_then_whole(calls: list[int]) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) == 1:
            return httpx.Response(200, headers={"content-type": "application/json"}, stream=_StopsHalfWay())
        return httpx.Response(200, json={"whole": True})

    return httpx.MockTransport(answer)


def test_a_get_whose_body_stops_half_way_is_repeated_and_its_elapsed_is_set(clock: Clock) -> None:
    calls: list[int] = []
    with httpx.Client(transport=RetryTransport(_half_then_whole(calls), clock.policy())) as client:
        response = client.get("https://api.example/orders/1")
    assert response.json() == {"whole": True} and len(calls) == 2
    assert response.elapsed.total_seconds() >= 0  # httpx raises here if nobody set it


def test_an_async_get_whose_body_stops_half_way_is_repeated(clock: Clock) -> None:
    calls: list[int] = []

    async def run() -> httpx.Response:
        async with httpx.AsyncClient(transport=RetryTransport(_half_then_whole(calls), clock.policy())) as client:
            return await client.get("https://api.example/orders/1")

    assert asyncio.run(run()).json() == {"whole": True} and len(calls) == 2


def test_a_post_whose_body_stops_half_way_is_not_repeated(clock: Clock) -> None:
    calls: list[int] = []
    with (
        httpx.Client(transport=RetryTransport(_half_then_whole(calls), clock.policy())) as client,
        pytest.raises(httpx.RemoteProtocolError),
    ):
        client.post("https://api.example/orders", json={})
    assert len(calls) == 1
