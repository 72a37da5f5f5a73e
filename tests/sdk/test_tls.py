"""TLS trust over real HTTPS: the MyCashflow simulator's printed `export` line is all a script needs.

One client object serves `with` and `async with` (the README says so) with the same `verify=`; a
certificate that fails verification is never retried: it will fail the same way on every attempt.
"""

from __future__ import annotations

import asyncio
import queue
import shlex
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from mycashflow_client.api.products import list_products

from mycashflow_sdk import MyCashflow
from sdk_runtime import ConfigurationError, RetryPolicy, Verify
from simulators._serving.runner import free_port

DEADLINE_S = 120.0  # a bound on start-up, not a speed target: on a loaded machine start-up took over 30 s


@pytest.fixture(scope="module")
def banner(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    """`python -m simulators serve mycashflow` over HTTPS; its start-up lines once it is accepting connections."""
    port = free_port()
    command = [sys.executable, "-m", "simulators", "serve", "mycashflow", "--port", str(port), "--empty"]
    command += ["--no-plain-http", "--cert-dir", str(tmp_path_factory.mktemp("tls"))]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        for line in process.stdout or ():
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    seen: list[str] = []
    deadline = time.monotonic() + DEADLINE_S
    try:
        while not seen or not seen[-1].startswith("listening on"):
            try:
                seen.append(lines.get(timeout=0.5).rstrip())
            except queue.Empty:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail(f"simulator did not start (exit code {process.poll()}): {seen}")
        while True:  # the banner is printed just before uvicorn binds
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield seen
    finally:
        process.terminate()
        process.wait(DEADLINE_S)


def _exported(banner: list[str]) -> dict[str, str]:
    """The variables of the banner's ready-to-paste `export A=B C=D` line, parsed as a shell would."""
    line = next(line for line in banner if line.startswith("export "))
    return dict(word.split("=", 1) for word in shlex.split(line)[1:])


def test_the_banner_exports_everything_from_env_needs_including_the_ca(banner: list[str]) -> None:
    environ = _exported(banner)
    assert set(environ) == {"MYCASHFLOW_BASE_URL", "MYCASHFLOW_USERNAME", "MYCASHFLOW_API_KEY", "MYCASHFLOW_CA_FILE"}
    assert environ["MYCASHFLOW_BASE_URL"].startswith("https://127.0.0.1:")
    assert Path(environ["MYCASHFLOW_CA_FILE"]).read_text().startswith("-----BEGIN CERTIFICATE-----")


def test_one_client_from_env_trusts_the_simulator_ca_sync_and_async(banner: list[str]) -> None:
    store = MyCashflow.from_env(_exported(banner))
    with store:
        assert list_products.sync_detailed(client=store).status_code == 200

    async def run() -> int:
        async with store:
            return (await list_products.asyncio_detailed(client=store)).status_code

    assert asyncio.run(run()) == 200


@pytest.mark.parametrize("kind", ["path", "str", "context"])
def test_verify_takes_a_path_a_string_or_an_ssl_context(banner: list[str], kind: str) -> None:
    environ = _exported(banner)
    ca = environ["MYCASHFLOW_CA_FILE"]
    choices: dict[str, Verify] = {"path": Path(ca), "str": ca, "context": ssl.create_default_context(cafile=ca)}
    verify = choices[kind]
    store = MyCashflow(
        base_url=environ["MYCASHFLOW_BASE_URL"],
        username=environ["MYCASHFLOW_USERNAME"],
        api_key=environ["MYCASHFLOW_API_KEY"],
        verify=verify,
    )
    with store:
        assert list_products.sync_detailed(client=store).status_code == 200

    async def run() -> int:
        async with store:
            return (await list_products.asyncio_detailed(client=store)).status_code

    assert asyncio.run(run()) == 200


def test_a_certificate_that_fails_verification_is_not_retried(banner: list[str]) -> None:
    environ = _exported(banner)
    del environ["MYCASHFLOW_CA_FILE"]  # the system's trust store does not know the simulator's test CA
    waits: list[float] = []
    store = MyCashflow.from_env(environ, retry=RetryPolicy(sleep=waits.append))
    with store, pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        list_products.sync(client=store)
    assert waits == []

    async def run() -> None:
        async def record(wait: float) -> None:
            waits.append(wait)

        async_store = MyCashflow.from_env(environ, retry=RetryPolicy(async_sleep=record))
        async with async_store:
            await list_products.asyncio(client=async_store)

    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        asyncio.run(run())
    assert waits == []


def test_a_refused_connection_is_still_retried() -> None:
    waits: list[float] = []
    store = MyCashflow(
        base_url=f"https://127.0.0.1:{free_port()}/api/v1",
        username="u",
        api_key="k",
        retry=RetryPolicy(sleep=waits.append),
    )
    with store, pytest.raises(httpx.ConnectError):
        list_products.sync(client=store)
    assert len(waits) == 3


def test_a_missing_ca_file_is_a_configuration_error_naming_the_variable(tmp_path: Path) -> None:
    environ = {"MYCASHFLOW_STORE": "shop", "MYCASHFLOW_USERNAME": "u", "MYCASHFLOW_API_KEY": "k"}
    with pytest.raises(ConfigurationError, match=r"MYCASHFLOW_CA_FILE.*nope\.pem"):
        MyCashflow.from_env({**environ, "MYCASHFLOW_CA_FILE": str(tmp_path / "nope.pem")})
    (tmp_path / "junk.pem").write_text("not a certificate")
    with pytest.raises(ConfigurationError, match=r"junk\.pem"):
        MyCashflow(base_url="https://x.test/api/v1", username="u", api_key="k", verify=tmp_path / "junk.pem")


def test_verify_with_a_transport_of_your_own_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="transport"):
        MyCashflow("shop", username="u", api_key="k", verify=False, transport=httpx.HTTPTransport())
