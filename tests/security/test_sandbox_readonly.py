"""A "read-only" MyCashflow sandbox run must not write (issue 13, Critical), tested the way it failed.

A recording HTTP proxy on 127.0.0.1 stands in front of the MyCashflow simulator as the "sandbox"; the contract
suite runs in sandbox mode, configured from environment variables exactly as a user would, with every phase
and every exception entry. The proxy's log is the ground truth: before the fix it held over a thousand POST,
PATCH and DELETE requests (and PUT, TRACE, QUERY, OPTIONS probes); now it holds GET requests only.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from starlette.applications import Starlette
from starlette.responses import RedirectResponse
from starlette.routing import Route

from contract_tests.exceptions import load_decisions
from contract_tests.profiles import PROFILES
from contract_tests.schemas import build_schema, selected_operations
from contract_tests.targets import Target
from contract_tests.wire_guard import GUARD, Policy, RequestRefused
from sdk_runtime import parse_origin
from simulators._serving import running_in_thread
from simulators.mycashflow import DEFAULT_USER, create_app

from .recording_proxy import RecordingProxy, recording_proxy

ROOT = Path(__file__).resolve().parents[2]
RUN_TIMEOUT_S = 1800  # a bound, not a speed target: the whole read-only run on 2 busy cores


@pytest.fixture
def sandbox() -> Iterator[RecordingProxy]:
    """The MyCashflow simulator (plain HTTP, seeded store) behind a recording proxy; the proxy is the sandbox."""
    with running_in_thread(create_app(seed=0, https_only=False, control=True)) as upstream:
        with recording_proxy(upstream) as proxy:
            yield proxy


def _contract_run(proxy: RecordingProxy, *args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
    """`pytest contract_tests …` in sandbox mode against `proxy`, from the environment only."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CONTRACT_", "MASH_", "MYCASHFLOW_")) and k.lower() not in _PROXY_VARIABLES
    }
    record = tempfile.TemporaryDirectory(prefix="sandbox-record-")  # the run's cassette (contract_tests/sandbox_run.py)
    env.update(
        CONTRACT_TARGET="sandbox",
        MYCASHFLOW_BASE_URL=f"{proxy.url}/api/v1",
        MYCASHFLOW_USERNAME=DEFAULT_USER.email,
        MYCASHFLOW_API_KEY=DEFAULT_USER.api_key,
        CONTRACT_SANDBOX_RATE="1000",  # a local stand-in: the vendor-friendly default budget would take minutes
        CONTRACT_SANDBOX_RECORD=record.name,
        **extra_env,
    )
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--no-header", *args]
    with record:
        return subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT_S, check=False
        )


_PROXY_VARIABLES = {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}


def _guard_line(output: str) -> str:
    return next((line for line in output.splitlines() if line.startswith("wire guard:")), "")


def test_a_read_only_sandbox_run_sends_nothing_but_get_and_head(sandbox: RecordingProxy) -> None:
    # schemathesis in every phase with every exception entry, as `nox -s contract` runs it. (The business-rule
    # state machines and client decoding never see a target: they run on in-process simulators by design.)
    result = _contract_run(sandbox, "contract_tests/test_server_contract.py")
    assert sandbox.writes() == [], sorted({f"{w.method} {w.path.split('?')[0]}" for w in sandbox.writes()})[:20]
    assert len(sandbox.log) > 500, f"the run did not reach the sandbox:\n{result.stdout[-3000:]}"
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    # The guard saw every request the proxy saw, refused none, and says so in the summary.
    expected = f"wire guard: 0 request(s) refused before sending; sent: mycashflow GET ×{len(sandbox.log)}"
    assert _guard_line(result.stdout) == expected
    assert "READ-ONLY: mycashflow" in result.stdout


def test_a_write_that_slips_through_is_refused_on_the_wire_and_fails_the_run(sandbox: RecordingProxy) -> None:
    result = _contract_run(
        sandbox, "contract_tests/test_summary.py", str(Path(__file__).with_name("sandbox_write_attempt.py"))
    )
    assert sandbox.log == []  # not one byte of the POST left the process
    assert result.returncode == 1, result.stdout[-3000:]
    assert _guard_line(result.stdout).startswith("wire guard: 1 request(s) refused before sending")
    refused = [line for line in result.stdout.splitlines() if line.startswith("REFUSED: ")]
    assert refused == [
        f"REFUSED: POST {sandbox.url.removeprefix('http://')}/api/v1/brands: mycashflow is read-only: only GET and "
        "HEAD are sent (set CONTRACT_ALLOW_WRITES=1 only for a store you may write to)"
    ]


def test_writes_reach_the_store_when_they_are_allowed(sandbox: RecordingProxy) -> None:
    result = _contract_run(sandbox, "contract_tests/test_server_contract.py", "-k", "brands", CONTRACT_ALLOW_WRITES="1")
    assert {"POST", "PATCH", "DELETE"} <= sandbox.methods(), sandbox.methods()
    assert result.returncode == 0, result.stdout[-5000:]
    assert _guard_line(result.stdout).startswith("wire guard: 0 request(s) refused before sending")


def test_a_read_only_selection_holds_get_operations_only_and_no_method_probes() -> None:
    target = Target("mycashflow", "sandbox", "https://store.example.test/api/v1", "u", "p", read_only=True)
    schema = build_schema("mycashflow", target, PROFILES["fast"], load_decisions())
    assert {method for _, method in selected_operations(schema)} == {"GET"}
    assert schema.config.phases.coverage.unexpected_methods == set()


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "QUERY", "PROPFIND"])
def test_the_wire_guard_refuses_every_method_but_get_and_head(sandbox: RecordingProxy, method: str) -> None:
    with GUARD.guarding([Policy("mycashflow", parse_origin(sandbox.url), read_only=True)]):
        requests.get(f"{sandbox.url}/api/v1/brands", timeout=10)
        requests.head(f"{sandbox.url}/api/v1/brands", timeout=10)
        with pytest.raises(RequestRefused, match="read-only"):
            requests.request(method, f"{sandbox.url}/api/v1/brands", timeout=10)
        # A fresh session, as schemathesis opens for its credential-less probes, is guarded too.
        with requests.Session() as session, pytest.raises(RequestRefused):
            session.request(method, f"{sandbox.url}/api/v1/brands/1?secret=s3cr3t", timeout=10)
        assert [str(r) for r in GUARD.refusals][-1].startswith(f"{method} 127.0.0.1:")
        assert "s3cr3t" not in "\n".join(GUARD.summary())
    sent = [(entry.method, entry.path) for entry in sandbox.log]
    assert sent == [("GET", "/api/v1/brands"), ("HEAD", "/api/v1/brands")]
    # Off again once the run is over: the same request goes out.
    assert requests.request(method, f"{sandbox.url}/api/v1/brands", timeout=10).status_code > 0
    assert sandbox.log[-1].method == method


def test_a_redirect_to_another_host_is_refused_in_sandbox_mode(sandbox: RecordingProxy) -> None:

    # "localhost" and "127.0.0.1" are different hosts to the guard, as production and a sandbox would be.
    elsewhere = sandbox.url.replace("127.0.0.1", "localhost") + "/api/v1/brands"
    redirector = Starlette(routes=[Route("/api/v1/brands", lambda request: RedirectResponse(elsewhere, 302))])
    with running_in_thread(redirector) as origin:
        with GUARD.guarding([Policy("mash", parse_origin(origin), read_only=False)]):
            with pytest.raises(RequestRefused, match="not the sandbox host"):
                requests.get(f"{origin}/api/v1/brands", timeout=10)
    assert sandbox.log == []


@pytest.mark.parametrize(
    ("head", "refused"),
    [
        (b"GET /api/v1/brands HTTP/1.1\r\nHost: store.example.test\r\n\r\n", False),
        (b"HEAD /api/v1/brands HTTP/1.1\r\nHOST:store.example.test\r\n\r\n", False),
        (b"get /api/v1/brands HTTP/1.1\r\nHost: store.example.test\r\n\r\n", True),  # methods are case-sensitive
        (b"POST /api/v1/brands HTTP/1.1\r\nHost: store.example.test\r\n\r\n", True),
        (b"GET /api/v1/brands HTTP/1.1\r\nHost: fi.mash.com\r\n\r\n", True),
        (b"GET /api/v1/brands HTTP/1.1\r\nHost: store.example.test.\r\n\r\n", True),
        (b"GET /api/v1/brands HTTP/1.1\r\nX: 1\r\n\r\n", True),  # no Host header
        (b"GET https://fi.mash.com/api HTTP/1.1\r\nHost: fi.mash.com\r\n\r\n", True),  # via a plain proxy
        (b"CONNECT store.example.test:443 HTTP/1.1\r\n\r\n", False),  # a proxy tunnel to the sandbox
        (b"CONNECT fi.mash.com:443 HTTP/1.1\r\n\r\n", True),
        (b"POST /api HTTP/1.0\r\nHost: store.example.test:443\r\n\r\n", True),
        (b'{"name": "a body chunk is not a request head"}', False),
    ],
)
def test_the_wire_guard_reads_request_heads_strictly(head: bytes, refused: bool) -> None:
    with GUARD.guarding([Policy("mycashflow", parse_origin("https://store.example.test"), read_only=True)]):
        if refused:
            with pytest.raises(RequestRefused):
                GUARD.check(head)
        else:
            GUARD.check(head)
        assert len(GUARD.refusals) == int(refused)


def test_a_connection_goes_to_the_sandbox_host_whatever_the_host_header_says(sandbox: RecordingProxy) -> None:
    elsewhere = sandbox.url.replace("127.0.0.1", "localhost")
    with GUARD.guarding([Policy("mycashflow", parse_origin(sandbox.url), read_only=True)]):
        with pytest.raises(RequestRefused, match="refused before connecting"):
            requests.get(f"{elsewhere}/api/v1/brands", headers={"Host": sandbox.url[7:]}, timeout=10)
    assert sandbox.log == []
