"""Every operation page's example is what the generator wrote, and it runs against the API's simulator.

The blocks are read from the generated pages (docsite.site.build, what MkDocs renders) and must equal the
generator's own script (docsite.examples.example): spec text cannot have opened a fence of its own, so only
our code runs. Each runs in-process against the simulator (its `simulator` binding) built as `nox -s serve` builds
it with no flags (MyCashflow: the seeded store), with the settings
`from_env()` documents, and must reach exactly its own operation and get a status the spec documents for it.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient
from starlette.types import ASGIApp

from docsite.examples import example
from docsite.site import Site, build
from simulators._serving.entry import ServeOptions, Simulator
from simulators.registry import load as load_simulator
from specforge.apis import find_root, load_apis
from specforge.clients import load_object
from specforge.openapi import Operation, iter_operations
from specforge.patched import load_patched
from specforge.readme import code_blocks

ROOT = find_root(anchor=Path(__file__))
APIS = load_apis(ROOT)


@functools.cache
def _site() -> Site:
    return build(ROOT)


def _operations(api: str) -> dict[str, Operation]:
    return {str(op.operation_id): op for op in iter_operations(load_patched(api).document) if op.operation_id}


def _cases() -> list[Any]:
    return [
        pytest.param(api, operation_id, id=f"{api}:{operation_id}")
        for api in APIS
        if APIS[api].sdk is not None and APIS[api].simulator
        for operation_id in _operations(api)
    ]


@dataclass
class _Recorder(httpx.BaseTransport):
    """Routes the example's requests to the simulator; records (operationId, status) of each."""

    api: str
    inner: httpx.BaseTransport
    calls: list[tuple[str, int]] = field(default_factory=list)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        self.calls.append((_operation_for(self.api, request), response.status_code))
        return response


def _operation_for(api: str, request: httpx.Request) -> str:
    base = load_patched(api).base_path
    for operation_id, op in _operations(api).items():
        pattern = re.escape(base + op.path)
        if op.method.upper() == request.method and re.fullmatch(
            re.sub(r"\\\{[^}]+\\\}", "[^/]+", pattern), request.url.path
        ):
            return operation_id
    return f"{request.method} {request.url.path}"


def _served_app(simulator: Simulator) -> ASGIApp:
    """The app `nox -s serve -- API` runs with no flags (e.g. MyCashflow's seeded store): what a reader tries."""
    parser = argparse.ArgumentParser()
    simulator.add_arguments(parser)
    options = ServeOptions(
        host="127.0.0.1", port=0, control=False, max_records=100_000, https=simulator.certificate_names is not None
    )
    app, _ = simulator.build(parser.parse_args([]), options)
    return app


@pytest.fixture(scope="module")
def simulators() -> Iterator[dict[str, httpx.BaseTransport]]:
    """One in-process simulator per API, as served by default, for the module."""
    with contextlib.ExitStack() as stack:
        transports: dict[str, httpx.BaseTransport] = {}
        for api in APIS:
            if APIS[api].simulator:
                client = stack.enter_context(TestClient(_served_app(load_simulator(api))))
                transports[api] = httpx.MockTransport(client.send)
        yield transports


def _environment(api: str) -> dict[str, str]:
    """What `from_env()` reads: the simulator's user and key, the spec's first server as base URL."""
    sdk = APIS[api].sdk
    assert sdk is not None
    username, password = load_simulator(api).credentials
    server = load_patched(api).document["servers"][0]
    base_url = server["url"].format(**{k: v["default"] for k, v in server.get("variables", {}).items()})
    values = {"username": username, "base_url": base_url}
    environ = {}
    for variable in load_object(sdk.client).env_vars:
        if variable.argument in values:
            environ[variable.name] = values[variable.argument]
        elif variable.default is None:  # the password / API key
            environ[variable.name] = password
    return environ


@pytest.mark.parametrize(("api", "operation_id"), _cases())
def test_operation_page_example_runs_against_the_simulator(
    api: str,
    operation_id: str,
    simulators: dict[str, httpx.BaseTransport],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    page = _site().pages[f"api/{api}/operations/{operation_id}.md"]
    assert isinstance(page, str)
    blocks = [body for info, body in code_blocks(page) if info == "python"]
    operation = _operations(api)[operation_id]
    assert blocks == [example(APIS[api], load_patched(api).document, operation)], "the page's block is not ours"
    for name, value in _environment(api).items():
        monkeypatch.setenv(name, value)
    recorder = _Recorder(api, simulators[api])
    monkeypatch.setattr(httpx, "HTTPTransport", lambda *args, **kwargs: recorder)
    exec(compile(blocks[0], f"api/{api}/operations/{operation_id}.md#example", "exec"), {"__name__": "__main__"})
    assert [call for call, _ in recorder.calls] and {call for call, _ in recorder.calls} == {operation_id}, (
        recorder.calls
    )
    documented = set(operation.node.get("responses", {}))
    statuses = {str(status) for _, status in recorder.calls}
    assert statuses <= documented or "default" in documented, f"{statuses} not among the documented {documented}"
    assert capsys.readouterr().out.strip(), "the example printed nothing"
