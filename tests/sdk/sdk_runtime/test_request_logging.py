"""Opt-in request logging: one DEBUG line per attempt, never a credential, a query value or a body."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

import httpx
import pytest

from sdk_runtime import BaseClient, ConfigurationError
from specforge.clients import load_object

from ..conftest import APIS, PASSWORD, SDK_APIS, USERNAME, Clock, Network, build_client, smoke_call


def _client_class(api: str) -> type[BaseClient]:
    binding = APIS[api].sdk
    assert binding is not None
    cls: type[BaseClient] = load_object(binding.client)
    return cls


@pytest.fixture(autouse=True)
def _restore_loggers() -> Iterator[None]:
    """Logger levels and handlers are process-wide: leave them as found."""
    names = {_client_class(api).logger_name for api in SDK_APIS}
    saved = {name: (logging.getLogger(name).level, list(logging.getLogger(name).handlers)) for name in names}
    yield
    for name, (level, handlers) in saved.items():
        logger = logging.getLogger(name)
        logger.setLevel(level)
        logger.handlers[:] = handlers


def _lines(caplog: pytest.LogCaptureFixture, api: str) -> list[str]:
    name = _client_class(api).logger_name
    return [record.getMessage() for record in caplog.records if record.name == name]


@pytest.mark.parametrize("api", SDK_APIS)
def test_the_api_log_variable_turns_on_one_line_per_attempt(
    api: str,
    network: Callable[..., Network],
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    variable = _client_class(api).log_env_var
    assert variable is not None, f"{api}'s client names no *_LOG variable"
    monkeypatch.setenv(variable, "debug")
    net = network(
        httpx.Response(503, headers={"Retry-After": "0"}),
        httpx.Response(200, json={}, headers={"X-Request-Id": "req-7f3a9"}),
    )
    with build_client(api, net.transport, retry=clock.policy(max_retries=2)) as client:
        smoke_call(api, client)
    first, second = _lines(caplog, api)
    request = net.requests[0]
    url = str(request.url.copy_with(query=None))
    assert first.startswith(f"GET {url} -> 503 in ") and "(attempt 1 of 3)" in first
    assert second.startswith(f"GET {url} -> 200 in ") and "(attempt 2 of 3, request id req-7f3a9)" in second
    assert " ms " in second


@pytest.mark.parametrize("api", SDK_APIS)
def test_standard_logging_config_is_enough_and_nothing_is_logged_without_it(
    api: str, network: Callable[..., Network], caplog: pytest.LogCaptureFixture
) -> None:
    net = network(httpx.Response(200, json={}))
    with build_client(api, net.transport) as client:
        smoke_call(api, client)
        assert _lines(caplog, api) == []
        caplog.set_level(logging.DEBUG, logger=_client_class(api).logger_name.split(".")[0])
        smoke_call(api, client)
    assert len(_lines(caplog, api)) == 1


@pytest.mark.parametrize("api", SDK_APIS)
def test_log_lines_carry_no_credentials_query_values_or_bodies(
    api: str, network: Callable[..., Network], caplog: pytest.LogCaptureFixture
) -> None:
    secret_query = "personId=010771-123K"
    body = '{"email": "teppo@example.com", "name": "Teppo Testaaja"}'
    net = network(httpx.Response(200, text=body, headers={"Content-Type": "application/json"}))
    caplog.set_level(logging.DEBUG)
    with build_client(api, net.transport) as client:
        client.get_httpx_client().get(f"orders?{secret_query}")
        client.get_httpx_client().post("orders", content=body)
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "GET " in text and "POST " in text
    for leaked in (USERNAME, PASSWORD, "010771-123K", "teppo@example.com", "Teppo", "Authorization", "Basic "):
        assert leaked not in text, f"{leaked!r} leaked into the log"


@pytest.mark.parametrize("api", SDK_APIS)
def test_a_hostile_request_id_is_not_printed(
    api: str, network: Callable[..., Network], caplog: pytest.LogCaptureFixture
) -> None:
    net = network(httpx.Response(200, json={}, headers={"X-Request-Id": "x" * 500}))
    caplog.set_level(logging.DEBUG, logger=_client_class(api).logger_name)
    with build_client(api, net.transport) as client:
        smoke_call(api, client)
    (line,) = _lines(caplog, api)
    assert "x" * 129 not in line and "request id <not shown" in line


@pytest.mark.parametrize("api", SDK_APIS)
def test_an_unknown_log_level_names_the_variable(api: str, monkeypatch: pytest.MonkeyPatch) -> None:
    variable = _client_class(api).log_env_var
    assert variable is not None
    monkeypatch.setenv(variable, "verbose")
    with pytest.raises(ConfigurationError, match=f"{variable}='verbose': expected one of debug, info"):
        build_client(api, httpx.MockTransport(lambda request: httpx.Response(200)))
