"""`client.with_options(...)`: per-call timeouts, retries, headers and strictness without touching the shared client."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import httpx
import pytest

from sdk_runtime import APIError, BaseClient, RetryPolicy
from specforge.clients import load_object

from ..conftest import APIS, PASSWORD, SDK_APIS, USERNAME, Clock, Network, build_client, smoke_call


@pytest.mark.parametrize("api", SDK_APIS)
def test_a_copy_sends_its_headers_and_timeout_and_the_shared_client_keeps_its_own(
    api: str, network: Callable[..., Network]
) -> None:
    net = network(httpx.Response(200, json={}))
    shared = build_client(api, net.transport)
    with shared:
        smoke_call(api, shared.with_options(timeout=1.5, headers={"X-Trace": "checkout-42"}))
        smoke_call(api, shared)
    copied, plain = net.requests
    assert copied.headers["X-Trace"] == "checkout-42"
    assert copied.extensions["timeout"]["read"] == 1.5
    assert "X-Trace" not in plain.headers
    assert plain.extensions["timeout"]["read"] == 30.0
    assert copied.headers["Authorization"] == plain.headers["Authorization"]  # the same credentials


@pytest.mark.parametrize("api", SDK_APIS)
def test_a_copy_retries_by_its_own_policy(api: str, network: Callable[..., Network], clock: Clock) -> None:
    net = network(httpx.Response(503))
    shared = build_client(api, net.transport, retry=clock.policy(max_retries=3))
    with shared:
        with pytest.raises(APIError):  # the API's error family for a 503
            smoke_call(api, shared.with_options(retry=RetryPolicy.disabled()))
        assert len(net.requests) == 1
        with pytest.raises(APIError):
            smoke_call(api, shared)
    assert len(net.requests) == 1 + 4  # the shared client still repeats a GET three times


@pytest.mark.parametrize("api", SDK_APIS)
def test_strict_can_be_set_for_one_copy(api: str, network: Callable[..., Network]) -> None:
    shared = build_client(api, network(httpx.Response(200, json={})).transport)
    assert shared.with_options(strict=True).strict is True
    assert shared.strict is False


class _Counting(BaseHTTPRequestHandler):
    """Answers every GET with `{}` over keep-alive connections and records which connection carried it."""

    protocol_version = "HTTP/1.1"
    connections: ClassVar[set[tuple[str, int]]] = set()

    def do_GET(self) -> None:
        type(self).connections.add(self.client_address)
        body = b"{}"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:  # keep the test output clean
        pass


@pytest.fixture
def counting_server() -> Iterator[tuple[str, type[_Counting]]]:
    handler = type("Handler", (_Counting,), {"connections": set()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()


def _real_client(api: str, origin: str) -> BaseClient:
    binding = APIS[api].sdk
    assert binding is not None
    arguments = {k: v for k, v in binding.build_arguments(USERNAME, PASSWORD).items() if k != "store"}
    client: BaseClient = load_object(binding.client)(**arguments, base_url=f"{origin}/api", allow_insecure=True)
    return client


@pytest.mark.parametrize("api", SDK_APIS)
def test_a_copy_shares_the_connection_pool_and_closing_it_leaves_the_pool_open(
    api: str, counting_server: tuple[str, type[_Counting]]
) -> None:
    origin, handler = counting_server
    shared = _real_client(api, origin)
    with shared:
        smoke_call(api, shared)
        with shared.with_options(timeout=5.0, headers={"X-Trace": "1"}) as copy:
            smoke_call(api, copy)
            smoke_call(api, copy)
        smoke_call(api, shared)  # the copy's exit closed nothing the shared client needs
    assert len(handler.connections) == 1, handler.connections  # four calls, one keep-alive connection


@pytest.mark.parametrize("api", SDK_APIS)
def test_an_async_copy_shares_the_async_pool(api: str, counting_server: tuple[str, type[_Counting]]) -> None:
    origin, handler = counting_server

    async def calls() -> None:
        async with _real_client(api, origin) as shared:
            await smoke_call(api, shared, asynchronous=True)
            async with shared.with_options(retry=RetryPolicy.disabled()) as copy:
                await smoke_call(api, copy, asynchronous=True)
            await smoke_call(api, shared, asynchronous=True)

    asyncio.run(calls())
    assert len(handler.connections) == 1, handler.connections
