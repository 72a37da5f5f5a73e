"""`python -m simulators serve mycashflow`: HTTPS with a printed test CA, plain HTTP answered 400, credentials shown."""

from __future__ import annotations

import queue
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from simulators._serving.runner import free_port
from simulators.mycashflow import DEFAULT_USER

DEADLINE_S = 30.0


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[list[str], int, int]]:
    """The CLI in a subprocess; yields its banner lines and ports once it says it is listening."""
    port, plain = free_port(), free_port()
    command = [sys.executable, "-m", "simulators", "serve", "mycashflow", "--port", str(port), "--empty"]
    command += ["--http-port", str(plain), "--cert-dir", str(tmp_path)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        for line in process.stdout or ():
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    banner: list[str] = []
    deadline = time.monotonic() + DEADLINE_S
    try:
        while not banner or not banner[-1].startswith("listening on"):
            remaining = deadline - time.monotonic()
            if remaining <= 0 or process.poll() is not None:
                pytest.fail(f"simulator did not start: {banner}")
            try:
                banner.append(lines.get(timeout=remaining).rstrip())
            except queue.Empty:
                continue
        yield banner, port, plain
    finally:
        process.terminate()
        process.wait(DEADLINE_S)


def _until_up(get: Callable[[], httpx.Response]) -> httpx.Response:
    """The banner is printed just before uvicorn binds: retry a refused connection until the deadline."""
    deadline = time.monotonic() + DEADLINE_S
    while True:
        try:
            return get()
        except httpx.ConnectError:
            if time.monotonic() > deadline:
                raise


def test_serves_https_with_the_printed_ca_and_answers_plain_http_with_400(served: tuple[list[str], int, int]) -> None:
    banner, port, plain = served
    text = "\n".join(banner)
    assert DEFAULT_USER.email in text and DEFAULT_USER.api_key in text
    ca = next(line.rsplit(": ", 1)[1] for line in banner if line.startswith("test CA certificate"))
    auth = (DEFAULT_USER.email, DEFAULT_USER.api_key)
    with httpx.Client(verify=ssl.create_default_context(cafile=ca), timeout=10) as client:
        response = _until_up(lambda: client.get(f"https://127.0.0.1:{port}/api/v1/products", auth=auth))
    assert (response.status_code, response.json()["meta"]["item_count"]) == (200, 0)
    refused = _until_up(lambda: httpx.get(f"http://127.0.0.1:{plain}/api/v1/products", auth=auth, timeout=10))
    assert refused.status_code == 400 and "HTTPS" in refused.json()["errors"]["scheme"][0]


def test_the_start_up_lines_say_plain_http_gets_400_and_export_the_sdk_settings(
    served: tuple[list[str], int, int],
) -> None:
    banner, port, plain = served
    plain_line = next(line for line in banner if line.startswith("plain HTTP"))
    assert f":{plain}" in plain_line and "400" in plain_line and "answers it" not in plain_line
    export = next(line for line in banner if line.startswith("export "))
    assert f"MYCASHFLOW_BASE_URL=https://127.0.0.1:{port}/api/v1" in export and "MYCASHFLOW_CA_FILE=" in export


def test_the_readme_names_the_default_api_user() -> None:
    readme = (Path(__file__).parents[3] / "README.md").read_text(encoding="utf-8")
    assert DEFAULT_USER.email in readme and DEFAULT_USER.api_key in readme
