"""The validating proxy over real HTTP, in front of the deviant upstream: pass-through, cassette, report, refusals."""

from __future__ import annotations

import gzip
import io
import json
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.types import Receive, Scope, Send

from simulators._serving.runner import free_port, running_in_thread
from specforge.apis import find_root
from tests._asgi import read_body
from trafficcheck import TrafficChecker
from trafficcheck.cli import main
from trafficcheck.proxy import ProxyApp, ProxyOptions
from trafficcheck.report import DeviationReport
from trafficcheck.wire import forwarding_protocol

from ._wait import entries
from .deviant import create_app

SLOW = 1.0
PERSON = "010771-123A"
SECRET_AUTH = ("merchant-user-7f3a", "hunter2-s3cret-9b1c")


@dataclass
class Rig:
    upstream: str
    proxy: str
    cassette: io.StringIO
    report: DeviationReport
    lines: list[str]

    def entries(self, count: int) -> list[dict[str, Any]]:
        """The cassette once it holds `count` entries (the proxy records after it has answered)."""
        return entries(self.cassette, count)


def served(app: ProxyApp, front: str) -> AbstractContextManager[str]:
    """The proxy on a port: through ASGI (in-process use) or as the CLI serves it (wire.py, no ASGI)."""
    return running_in_thread(app, http=forwarding_protocol(app) if front == "wire" else None)


@pytest.fixture(params=["wire", "asgi"])
def rig(request: pytest.FixtureRequest) -> Iterator[Rig]:
    with running_in_thread(create_app(slow_seconds=SLOW)) as upstream:
        checker = TrafficChecker.for_api("mash")
        cassette, lines = io.StringIO(), list[str]()
        report = DeviationReport("mash", checker.spec_sha256, "cassette.jsonl")
        options = ProxyOptions(upstream, timeout_s=SLOW / 4, max_body_bytes=64 * 1024)
        app = ProxyApp(checker, options, cassette, report, say=lines.append)
        with served(app, request.param) as proxy:
            yield Rig(upstream, proxy, cassette, report, lines)


CALLS: list[tuple[str, str, dict[str, object] | None]] = [
    ("GET", "/api/orders/1", None),
    ("GET", "/api/orders/2", None),
    ("POST", "/api/orders/2/cancel", {}),
    ("GET", "/api/merchants/5/report?startTime=2020-10-26T00:00:00Z&endTime=2020-10-27T00:00:00Z", None),
    ("GET", f"/api/personinfo?personId={PERSON}", None),
]


def test_every_answer_passes_through_unchanged(rig: Rig) -> None:
    for method, path, body in CALLS:
        direct = httpx.request(method, rig.upstream + path, json=body)
        proxied = httpx.request(method, rig.proxy + path, json=body, auth=SECRET_AUTH)
        assert (proxied.status_code, proxied.content) == (direct.status_code, direct.content), path
        assert proxied.headers["content-type"] == direct.headers["content-type"]
        assert "x-trafficcheck-error" not in proxied.headers
    rig.entries(len(CALLS))
    assert [line.split(" · ")[1] for line in rig.lines] == [
        "0 deviations",
        "5 deviations",
        "1 deviation",
        "1 deviation",
        "2 deviations",  # personinfo: text/html where application/json is documented, and not JSON
    ]
    assert rig.lines[1].startswith("#2 GET /orders/{orderId} [getOrder] → 200")


def test_a_timeout_is_a_504_said_to_be_the_proxys_and_recorded_without_an_answer(rig: Rig) -> None:
    answer = httpx.get(rig.proxy + "/api/pricing", params={"merchantId": "5"})
    assert answer.status_code == 504 and "did not answer" in answer.headers["x-trafficcheck-error"]
    (entry,) = rig.entries(1)
    assert entry["response"] is None and "did not answer" in str(entry["proxy_error"])


def test_the_cassette_keeps_no_credential_or_personal_data(rig: Rig) -> None:
    httpx.get(rig.proxy + "/api/personinfo", params={"personId": PERSON}, auth=SECRET_AUTH)
    httpx.get(rig.proxy + "/api/orders/2", auth=SECRET_AUTH, headers={"X-Api-Key": "k-123456"})
    first, second = rig.entries(2)
    text = rig.cassette.getvalue()
    original = httpx.get(rig.upstream + "/api/orders/2").json()["customer"][0]
    for secret in [*SECRET_AUTH, PERSON, "k-123456", original["email"], original["mobile"], original["name"]]:
        assert secret not in text
    assert first["request"]["query"] == [["personId", "010101-0101"]]
    assert second["request"]["headers"]["authorization"] == "<redacted>"
    customer = second["response"]["body"]["json"]["customer"][0]
    assert customer["email"] == "redacted@example.invalid" and customer["name"] == "<redacted>"


def test_the_report_counts_each_deviation_and_names_its_first_entry(rig: Rig) -> None:
    for _ in range(2):
        httpx.get(rig.proxy + "/api/orders/2")
    httpx.post(rig.proxy + "/api/orders/2/cancel", json={})
    rig.entries(3)
    report = rig.report.to_json()
    get_order, cancel = report["operations"]
    assert (get_order["operation_id"], get_order["exchanges"], get_order["statuses"]) == ("getOrder", 2, {"200": 2})
    by_kind = {d["kind"]: d for d in get_order["deviations"]}
    assert set(by_kind) == {
        "list-for-object",
        "null",
        "undocumented-field",
        "undocumented-enum-value",
        "date-time-for-date",
    }
    assert by_kind["date-time-for-date"]["pointer"] == "/invoices/*/duedate"
    assert by_kind["date-time-for-date"]["schema_pointer"] == "/components/schemas/Invoice/properties/duedate"
    assert all(d["count"] == 2 and d["first_entry"] == 1 for d in get_order["deviations"])
    assert [(d["kind"], d["value"], d["first_entry"]) for d in cancel["deviations"]] == [
        ("undocumented-status", 409, 3)
    ]
    markdown = rig.report.to_markdown()
    assert "| `response /loyaltyTier` | undocumented-field |" in markdown and "| 2 | #1 |" in markdown


def test_an_ignored_operation_is_forwarded_but_not_checked(rig: Rig) -> None:
    app = ProxyApp(
        TrafficChecker.for_api("mash", ignore=["getOrder"]),
        ProxyOptions(rig.upstream),
        io.StringIO(),
        DeviationReport("mash", "sha256:x"),
        say=rig.lines.append,
    )
    with running_in_thread(app) as proxy:
        assert httpx.get(proxy + "/api/orders/2").json()["loyaltyTier"] == "gold"
    assert rig.lines == [
        "#1 GET /orders/{orderId} [getOrder] → 200 · 0 deviations · " + rig.lines[0].rsplit(" · ", 1)[1]
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["proxy", "nosuchapi", "--upstream", "http://127.0.0.1:1"], "unknown API"),
        (["proxy", "mash", "--upstream", "http://127.0.0.1:1/api"], "no path"),
        (["proxy", "mash", "--upstream", "ftp://example.com"], "scheme://host"),
        (["proxy", "mash", "--upstream", "https://user:s3cret@example.com"], "credentials in the URL are refused"),
        (["proxy", "mash", "--upstream", "http://0x7f.1:8080"], "non-standard notation"),
        (["proxy", "mash", "--upstream", "http://127.0.0.1:1", "--ignore", "nope"], "no such operationId"),
    ],
)
def test_bad_input_exits_2_with_a_message(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and "s3cret" not in err


def test_the_proxy_refuses_to_start_on_a_spec_that_differs_from_its_stamp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = find_root()
    shutil.copytree(root / "codegen", tmp_path / "codegen")
    (tmp_path / "generated" / "mash").mkdir(parents=True)
    for name in ("openapi.yaml", "STAMP.json"):
        shutil.copy(root / "generated" / "mash" / name, tmp_path / "generated" / "mash" / name)
    spec = tmp_path / "generated" / "mash" / "openapi.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("type: object", "type: array", 1), encoding="utf-8")
    monkeypatch.setenv("SPECFORGE_ROOT", str(tmp_path))
    assert main(["proxy", "mash", "--upstream", "http://127.0.0.1:1"]) == 2
    assert "refusing to start" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("stop", "extra"),
    [(signal.SIGINT, []), (signal.SIGTERM, []), (signal.SIGTERM, ["--inline-checks"])],
    ids=["sigint-recorder-process", "sigterm-recorder-process", "sigterm-inline-checks"],
)
def test_the_cli_serves_prints_a_line_per_exchange_and_a_summary_and_writes_the_report_at_exit(
    tmp_path: Path, stop: signal.Signals, extra: list[str]
) -> None:
    port = free_port()
    out = tmp_path / "traffic"
    with running_in_thread(create_app(slow_seconds=0)) as upstream:
        command = [sys.executable, "-m", "trafficcheck", "proxy", "mash", "--upstream", upstream, "--port", str(port)]
        process = subprocess.Popen(
            [*command, "--out", str(out), *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    answer = httpx.get(f"http://127.0.0.1:{port}/api/orders/2", auth=SECRET_AUTH)
                    break
                except httpx.ConnectError:
                    time.sleep(0.1)  # the child is still importing: poll its port until the deadline
            assert answer.json()["loyaltyTier"] == "gold"
            httpx.post(f"http://127.0.0.1:{port}/api/orders/2/cancel", json={})
            # Entries reach the file while the proxy runs (flushed soon after each burst), not only at exit.
            cassette, lines = out / "cassette.jsonl", 0
            deadline = time.monotonic() + 10
            while lines < 2 and time.monotonic() < deadline:
                time.sleep(0.05)  # polling the file with a deadline
                lines = len(cassette.read_text(encoding="utf-8").splitlines()) if cassette.exists() else 0
            assert lines == 2
        finally:
            process.send_signal(stop)
            stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert "#1 GET /orders/{orderId} [getOrder] → 200 · 5 deviations" in stdout
    assert "GET /orders/{orderId} [getOrder]: 1 exchange, 5 distinct deviations (5 in all)" in stdout
    assert "2 exchanges, 2 with deviations" in stdout
    assert SECRET_AUTH[1] not in (out / "cassette.jsonl").read_text(encoding="utf-8")
    report = json.loads((out / "deviations.json").read_text(encoding="utf-8"))
    assert report["api"] == "mash" and report["exchanges"] == 2
    assert "| `response /loyaltyTier` | undocumented-field |" in (out / "deviations.md").read_text(encoding="utf-8")


def test_a_head_answer_keeps_the_upstreams_content_length(rig: Rig) -> None:
    direct = httpx.head(rig.upstream + "/api/orders/1")
    proxied = httpx.head(rig.proxy + "/api/orders/1")
    assert proxied.status_code == direct.status_code == 200
    assert proxied.headers["content-length"] == direct.headers["content-length"] != "0"


async def _echo(scope: Scope, receive: Receive, send: Send) -> None:
    """An upstream that answers with what it received (method, raw path, query, headers, body), gzip-encoded,
    with a cookie and a redirect: what the proxy must neither add to, drop from nor act upon."""
    if scope["type"] != "http":
        return
    body = await read_body(receive)
    seen = {
        "method": scope["method"],
        "raw_path": scope["raw_path"].decode(),
        "query": scope["query_string"].decode(),
        "headers": [[k.decode(), v.decode()] for k, v in scope["headers"] if k != b"host"],
        "body": body.decode(),
    }
    payload = gzip.compress(json.dumps(seen).encode())
    headers = [
        (b"content-type", b"application/json"),
        (b"content-encoding", b"gzip"),
        (b"set-cookie", b"session=upstream-cookie; Path=/"),
        (b"location", b"/api/elsewhere"),
        (b"content-length", str(len(payload)).encode()),
    ]
    await send({"type": "http.response.start", "status": 302, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


@pytest.mark.parametrize("front", ["wire", "asgi"])
def test_the_request_goes_on_as_sent_and_the_answer_comes_back_as_sent(front: str) -> None:
    checker = TrafficChecker.for_api("mash")
    report = DeviationReport("mash", checker.spec_sha256)
    with running_in_thread(Starlette(routes=[Mount("/", app=_echo)])) as upstream:
        # A host name, not an address: cookie jars keep no cookie for a bare IP address.
        options = ProxyOptions(upstream.replace("127.0.0.1", "localhost"))
        app = ProxyApp(checker, options, io.StringIO(), report, say=lambda _: None)
        with served(app, front) as proxy, httpx.Client(base_url=proxy) as client:
            for name in ("user-agent", "accept", "accept-encoding"):
                del client.headers[name]  # a bare request: the proxy must not fill in what it lacks
            answers = []
            for _ in range(2):
                client.cookies.clear()  # httpx's own jar would send the cookie back: the proxy's must not
                answers.append(
                    client.post(
                        "/api/a%2Fb/orders?x=%20y&flag", content=b"not json", headers=[("x-tag", "1"), ("x-tag", "2")]
                    )
                )
    first, second = answers
    assert first.status_code == 302 and first.headers["location"] == "/api/elsewhere"  # not followed
    assert first.headers["content-encoding"] == "gzip" and first.headers["set-cookie"].startswith("session=")
    seen = second.json()  # httpx decodes the gzip body the proxy passed on untouched
    assert (seen["method"], seen["raw_path"], seen["query"], seen["body"]) == (
        "POST",
        "/api/a%2Fb/orders",
        "x=%20y&flag",
        "not json",
    )
    assert [value for name, value in seen["headers"] if name == "x-tag"] == ["1", "2"]
    names = {name for name, _ in seen["headers"]}
    assert not names & {"cookie", "user-agent", "accept", "accept-encoding", "content-type"}, names


def test_a_request_body_beyond_the_cap_is_a_413_and_not_forwarded(rig: Rig) -> None:
    answer = httpx.post(rig.proxy + "/api/orders", content=b"x" * (64 * 1024 + 1))
    assert answer.status_code == 413 and "beyond 65536 bytes" in answer.headers["x-trafficcheck-error"]
    assert httpx.get(rig.proxy + "/api/orders/1").status_code == 200  # the proxy goes on serving
    assert len(rig.entries(1)) == 1  # the refused request is not an exchange with the upstream


def _raw_exchange(proxy: str, request: bytes) -> tuple[bytes, bool]:
    """Send raw request bytes; what came back until the proxy closed or went quiet, and whether it closed."""
    host, port = proxy.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(request)
        sock.settimeout(1.0)
        received, closed = b"", False
        try:
            while chunk := sock.recv(65536):
                received += chunk
            closed = True
        except TimeoutError:
            pass
    return received, closed


def test_pipelined_requests_are_answered_in_order_on_one_connection(rig: Rig) -> None:
    one = b"GET /api/orders/1 HTTP/1.1\r\nhost: x\r\n\r\n"
    two = b"GET /api/nowhere HTTP/1.1\r\nhost: x\r\n\r\n"
    received, closed = _raw_exchange(rig.proxy, one + two + one)
    statuses = re.findall(rb"HTTP/1\.1 (\d{3}) ", received)  # each answer's status line, wherever it starts
    assert statuses == [b"200", b"404", b"200"] and not closed


def test_a_client_that_says_close_gets_the_answer_then_the_connection_closes(rig: Rig) -> None:
    received, closed = _raw_exchange(rig.proxy, b"GET /api/orders/1 HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 ") and b"\r\nconnection: close" in head.lower() and closed
    assert json.loads(body)["orderId"]
