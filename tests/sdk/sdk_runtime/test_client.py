"""BaseClient through both API clients: what every request carries, and secrets that never leak."""

from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from sdk_runtime import DEFAULT_TIMEOUT, APIError, BaseClient

from ..conftest import PASSWORD, SDK_APIS, USERNAME, Clock, Network, build_client, smoke_call

SECRETS = (PASSWORD, USERNAME, base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode())


def get_one(api: str, client: BaseClient) -> Any:
    """The API's simplest GET through the generated `sync` function."""
    return smoke_call(api, client)


async def aget_one(api: str, client: BaseClient) -> Any:
    return await smoke_call(api, client, asynchronous=True)


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text, f"a credential leaked into: {text[:200]!r}"


@pytest.mark.parametrize("api", SDK_APIS)
def test_requests_carry_basic_auth_json_accept_and_the_default_timeout(
    api: str, network: Callable[..., Network]
) -> None:
    net = network(httpx.Response(200, json={}))
    client = build_client(api, net.transport)
    get_one(api, client)
    request = net.requests[0]
    assert request.headers["Authorization"] == f"Basic {SECRETS[2]}"
    assert request.headers["Accept"] == "application/json"
    assert request.extensions["timeout"] == DEFAULT_TIMEOUT.as_dict()


@pytest.mark.parametrize("api", SDK_APIS)
def test_sync_and_async_share_one_client_object(api: str, network: Callable[..., Network]) -> None:
    net = network(httpx.Response(200, json={}))

    async def both() -> None:
        async with build_client(api, net.transport) as client:
            await aget_one(api, client)
            with client:
                get_one(api, client)

    asyncio.run(both())
    assert len(net.requests) == 2


@pytest.mark.parametrize("api", SDK_APIS)
def test_repr_shows_the_base_url_and_no_credential(api: str, network: Callable[..., Network]) -> None:
    client = build_client(api, network(httpx.Response(200)).transport)
    client.get_httpx_client()
    assert repr(client).startswith(f"{type(client).__name__}(base_url='https://")
    assert_no_secret(repr(client), str(client))


@pytest.mark.parametrize("api", SDK_APIS)
def test_no_credential_in_logs_retry_messages_or_exceptions(
    api: str, clock: Clock, network: Callable[..., Network], caplog: pytest.LogCaptureFixture
) -> None:
    """Retries, give-ups, httpx's own request log, an error response, a connection error: none shows them."""
    echo = {"errorCode": 10000, "message": "Invalid API keys", "errors": {"name": ["bad"]}}
    script = [httpx.Response(503), httpx.Response(503), httpx.Response(401, json=echo), httpx.ConnectError("refused")]
    net = network(*script)
    client = build_client(api, net.transport, clock.policy(max_retries=1))
    texts: list[str] = []
    with caplog.at_level(logging.DEBUG):
        for _ in range(2):  # 503, retried, 503: given up; then 401
            with pytest.raises(APIError) as raised:
                get_one(api, client)
            error = raised.value
            texts += [str(error), repr(error), error.url, error.body, str(error.headers), str(vars(error))]
        with pytest.raises(httpx.ConnectError) as connect:
            get_one(api, client)
        texts += [str(connect.value), repr(connect.value)]
    texts += [record.getMessage() for record in caplog.records]
    assert any("Retrying GET" in text for text in texts)
    assert any("Giving up on GET" in text for text in texts)
    assert_no_secret(*texts)
