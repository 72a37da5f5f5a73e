"""Every Python block of each generated package's README runs, against the API's simulator in-process
when there is one, else against a fake that answers with the spec's documented examples.

What each README must call, the fake's overrides, the SDK client and the simulator are the API's bindings
in codegen/apis.yaml (`readme`, `sdk`, `simulator`). The code that runs is read from codegen/templates (the
project's own files), never from the rendered README, where text from the spec lands; the README must hold
exactly those blocks."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from sdk_runtime import BaseClient
from simulators.registry import load as load_simulator
from specforge.bindings import ReadmeBinding
from specforge.clients import load_object
from specforge.openapi import iter_operations
from specforge.readme import readme_problem, template_examples

from .conftest import APIS, patched_spec


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
    found = []
    for op in iter_operations(patched_spec(api)):
        if op.operation_id is not None:
            regex = re.compile(re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(op.path)) + "$")
            found.append((op.method.upper(), regex, op.operation_id, op.node))
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
        override = _readme(api).fake_overrides.get(operation_id, {})
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


def _readme(api: str) -> ReadmeBinding:
    binding = APIS[api].readme
    assert binding is not None, f"codegen/apis.yaml: {api} has no `readme` binding"
    return binding


def _sdk_client(api: str) -> type[BaseClient]:
    binding = APIS[api].sdk
    assert binding is not None, f"codegen/apis.yaml: {api} has no `sdk` binding"
    client: type[BaseClient] = load_object(binding.client)
    return client


@contextlib.contextmanager
def backend_for(api: str) -> Iterator[Backend]:
    """The API's simulator (its `simulator` binding) with its defaults if it has one, else the documented examples."""
    simulator = load_simulator(api) if APIS[api].simulator else None
    if simulator is not None and simulator.default_app is not None:
        app = simulator.default_app()
        username, password = simulator.credentials
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
    for variable in _sdk_client(api).env_vars:
        if variable.argument in values:
            environ[variable.name] = values[variable.argument]
        elif variable.default is None:  # the password / API key
            environ[variable.name] = backend.credentials["password"]
    return environ


@pytest.mark.parametrize("api", sorted(APIS))
def test_readme_examples_run(api: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    readme = APIS[api].client_dir / "README.md"
    templates = APIS[api].root / "codegen" / "templates"
    problem = readme_problem(readme, templates, APIS[api].package)
    assert problem is None, problem
    blocks = [body for info, body in template_examples(templates, APIS[api].package) if info == "python"]
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
    must_call = _readme(api).must_call
    assert must_call <= backend.called, f"the {api} README never calls {must_call - backend.called}"
    output = capsys.readouterr().out
    assert output.strip(), "the examples printed nothing"
