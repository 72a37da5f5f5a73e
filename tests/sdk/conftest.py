"""Fixtures for the SDK tests: a retry policy whose waits are recorded instead of slept, and a fake network."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from sdk_runtime import BaseClient, RetryPolicy
from specforge.apis import load_apis
from specforge.clients import load_object, operation_module
from specforge.patched import load_patched

USERNAME = "merchant-user-7f3a"
PASSWORD = "hunter2-s3cret-9b1c"


@dataclass
class Clock:
    """Sleeps that only record how long they would have waited, sync and async."""

    waits: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)

    async def async_sleep(self, seconds: float) -> None:
        self.waits.append(seconds)

    def policy(self, **options: Any) -> RetryPolicy:
        """A RetryPolicy that records its waits here; no jitter unless `rng` is given."""
        defaults: dict[str, Any] = {"sleep": self.sleep, "async_sleep": self.async_sleep, "rng": lambda: 0.0}
        return RetryPolicy(**{**defaults, **options})


@pytest.fixture
def clock() -> Clock:
    return Clock()


@dataclass
class Network:
    """An httpx.MockTransport that answers with scripted responses (or raises) and keeps every request."""

    script: list[httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]]
    requests: list[httpx.Request] = field(default_factory=list)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        step = self.script[min(len(self.requests), len(self.script)) - 1]
        if isinstance(step, Exception):
            raise step
        if isinstance(step, httpx.Response):
            return httpx.Response(step.status_code, headers=step.headers, content=step.content)
        return step(request)

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)


@pytest.fixture
def network() -> Callable[..., Network]:
    """`network(r1, r2, ...)`: the n-th request gets the n-th step; the last step repeats."""
    return lambda *script: Network(list(script))


APIS = load_apis()
SDK_APIS = sorted(name for name, api in APIS.items() if api.sdk is not None)


def build_client(api: str, transport: httpx.BaseTransport, retry: RetryPolicy | None = None) -> BaseClient:
    """The API's SDK client (its `sdk` binding) with the test credentials, talking to `transport`."""
    binding = APIS[api].sdk
    assert binding is not None, f"{api} has no SDK client"
    client: BaseClient = load_object(binding.client)(
        **binding.build_arguments(USERNAME, PASSWORD), transport=transport, retry=retry
    )
    return client


def smoke_call(api: str, client: BaseClient, asynchronous: bool = False) -> Any:
    """The API's simplest GET (its `sdk.smoke` binding) through the generated `sync` (or `asyncio`) function."""
    binding = APIS[api].sdk
    assert binding is not None, f"{api} has no SDK client"
    operation, arguments = binding.smoke
    module = operation_module(APIS[api].package, operation)
    return (module.asyncio if asynchronous else module.sync)(**arguments, client=client)


def patched_spec(api: str) -> dict[str, Any]:
    """generated/<api>/openapi.yaml: the contract the SDK's tables are checked against."""
    return load_patched(api).document
