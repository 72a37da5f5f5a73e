"""Every Python block of each generated package's README runs, against the API's simulator in-process
when there is one, else against a fake that answers with the spec's documented examples."""

from __future__ import annotations

import contextlib
import importlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from mash_sdk import Mash
from mycashflow_sdk import MyCashflow
from sdk_runtime import BaseClient
from specforge.apis import load_apis

from .conftest import patched_spec

APIS = load_apis()
SDK_CLIENTS: dict[str, type[BaseClient]] = {"mash": Mash, "mycashflow": MyCashflow, "mycashflow_v0": MyCashflow}
# The operations each README must exercise: the "create → get → charge" and "list all products".
MUST_CALL = {
    "mash": {"createOrder", "getOrder", "chargeOrder"},
    "mycashflow": {"listProducts"},
    "mycashflow_v0": {"listOrders"},
}
# The v0 order API is served by the MyCashflow store simulator (one store behind /api/v1 and /api/v0).
SIMULATOR_PACKAGES = {"mycashflow_v0": "mycashflow"}
# In the fake, the order the examples read back is Approved, as after the customer's visit to Mash
# (the documented getOrder example shows a Pending one, which may not be charged).
FAKE_OVERRIDES: dict[tuple[str, str], dict[str, Any]] = {("mash", "getOrder"): {"status": "Approved"}}
# The (username, password) each simulator seeds at start-up.
SIMULATOR_CREDENTIALS: dict[str, Callable[[Any], tuple[str, str]]] = {
    "mash": lambda simulator: (simulator.DEFAULT_MERCHANT.username, simulator.DEFAULT_MERCHANT.password),
    "mycashflow": lambda simulator: (simulator.DEFAULT_USER.email, simulator.DEFAULT_USER.api_key),
    "mycashflow_v0": lambda simulator: (simulator.DEFAULT_USER.email, simulator.DEFAULT_USER.api_key),
}
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


@dataclass
class Backend:
    """Where the README's requests go, and which operations they reached."""

    api: str
    credentials: dict[str, str]
    transport: httpx.BaseTransport
    async_transport: httpx.AsyncBaseTransport
    called: set[str] = field(default_factory=set)


def _operations(api: str) -> list[tuple[str, re.Pattern[str], str, dict[str, Any]]]:
    """(method, path regex, operationId, operation) for every operation of the patched spec."""
    spec = patched_spec(api)
    found = []
    for path, item in spec["paths"].items():
        regex = re.compile(re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)) + "$")
        for method, operation in item.items():
            if isinstance(operation, dict) and "operationId" in operation:
                found.append((method.upper(), regex, operation["operationId"], operation))
    return found


def _operation_id(api: str, request: httpx.Request) -> str:
    for method, regex, operation_id, _ in _operations(api):
        if method == request.method and regex.search(request.url.path):
            return operation_id
    raise AssertionError(f"no {api} operation for {request.method} {request.url.path}")


def _documented_example(api: str, request: httpx.Request) -> httpx.Response:
    """The first documented success example of the operation `request` calls."""
    operation_id = _operation_id(api, request)
    operation = next(op for _, _, oid, op in _operations(api) if oid == operation_id)
    for status, response in sorted(operation["responses"].items()):
        if not status.startswith("2"):
            continue
        media = response.get("content", {}).get("application/json", {})
        if "example" in media:
            body = media["example"]
        elif media.get("examples"):
            body = next(iter(media["examples"].values()))["value"]
        else:
            continue
        override = FAKE_OVERRIDES.get((api, operation_id), {})
        return httpx.Response(int(status), json={**body, **override} if isinstance(body, dict) else body)
    raise AssertionError(f"{operation_id} documents no success example")


class _Recording(httpx.BaseTransport, httpx.AsyncBaseTransport):
    def __init__(self, backend: Backend, sync: httpx.BaseTransport, asynchronous: httpx.AsyncBaseTransport) -> None:
        self.backend, self.sync, self.asynchronous = backend, sync, asynchronous

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.backend.called.add(_operation_id(self.backend.api, request))
        return self.sync.handle_request(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.backend.called.add(_operation_id(self.backend.api, request))
        return await self.asynchronous.handle_async_request(request)


@contextlib.contextmanager
def backend_for(api: str) -> Iterator[Backend]:
    """The simulator `simulators.<api>.create_app()` if it exists, else the documented examples."""
    try:
        simulator = importlib.import_module(f"simulators.{SIMULATOR_PACKAGES.get(api, api)}")
    except ModuleNotFoundError:
        simulator = None
    if simulator is not None and hasattr(simulator, "create_app"):
        app = simulator.create_app()
        username, password = SIMULATOR_CREDENTIALS[api](simulator)
        credentials = {"username": username, "password": password}
        with TestClient(app) as test_client:
            sync = httpx.MockTransport(test_client.send)
            backend = Backend(api, credentials, sync, httpx.ASGITransport(app=app))
            yield backend
        return
    fake = httpx.MockTransport(lambda request: _documented_example(api, request))
    yield Backend(api, {"username": "readme-user", "password": "readme-password"}, fake, fake)


def _environment(api: str, backend: Backend) -> dict[str, str]:
    """The SDK client's documented variables: credentials, and the spec's first server as base URL."""
    server = patched_spec(api)["servers"][0]
    base_url = server["url"].format(**{k: v["default"] for k, v in server.get("variables", {}).items()})
    values = {"username": backend.credentials["username"], "base_url": base_url}
    environ = {}
    for variable in SDK_CLIENTS[api].env_vars:
        if variable.argument in values:
            environ[variable.name] = values[variable.argument]
        elif variable.default is None:  # the password / API key
            environ[variable.name] = backend.credentials["password"]
    return environ


@pytest.mark.parametrize("api", sorted(APIS))
def test_readme_examples_run(api: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    readme = APIS[api].client_dir / "README.md"
    blocks = _BLOCK.findall(readme.read_text(encoding="utf-8"))
    assert blocks, f"{readme} has no Python example"
    with backend_for(api) as backend:
        for name, value in _environment(api, backend).items():
            monkeypatch.setenv(name, value)
        recording = _Recording(backend, backend.transport, backend.async_transport)
        # The examples build their clients from the environment, as a user's would: route the network
        # they would open to the backend by replacing httpx's default transports for this test only.

        def route(*args: object, **kwargs: object) -> _Recording:
            return recording

        monkeypatch.setattr(httpx, "HTTPTransport", route)
        monkeypatch.setattr(httpx, "AsyncHTTPTransport", route)
        for number, code in enumerate(blocks, start=1):
            exec(compile(code, f"{readme}#example{number}", "exec"), {"__name__": "__main__"})
    assert MUST_CALL[api] <= backend.called, f"the {api} README never calls {MUST_CALL[api] - backend.called}"
    output = capsys.readouterr().out
    assert output.strip(), "the examples printed nothing"
