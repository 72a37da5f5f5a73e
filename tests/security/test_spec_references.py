"""What an attacker tries next with a spec: references out of the document, and names that are paths.

A `$ref` to a URL or a file is never followed (nothing is requested or read), and schema, tag and
operation names never place a generated file outside the client's folder.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from ._inputs import SPEC, make_repo, run_cli


class _Counting(BaseHTTPRequestHandler):
    requests: list[str]

    def do_GET(self) -> None:
        self.requests.append(self.path)
        body = b"type: object\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, list[str]]]:
    seen: list[str] = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), type("Counting", (_Counting,), {"requests": seen}))
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", seen
    httpd.shutdown()


@pytest.mark.parametrize("target", ["{server}/remote.yaml#/Thing", "/etc/passwd", "file:///etc/passwd", "../x.yaml"])
@pytest.mark.parametrize("command", ["validate", "generate"])
def test_a_ref_out_of_the_document_is_never_followed(
    server: tuple[str, list[str]], tmp_path: Path, target: str, command: str
) -> None:
    base, seen = server
    ref = target.format(server=base)
    spec = SPEC + f"    Outside:\n      $ref: '{ref}'\n"
    root = make_repo(tmp_path, spec=spec)
    result = run_cli(root, command)
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert result.returncode in (1, 2), result.stdout[-2000:]
    assert "/components/schemas/Outside/$ref" in result.stdout + result.stderr
    assert not (root / "generated" / "demo").exists()
    assert seen == []


def test_names_that_look_like_paths_stay_inside_the_client(tmp_path: Path) -> None:
    hostile = "../../../escaped"  # OpenAPI constrains schema names, not operationIds or tags
    spec = SPEC.replace("operationId: getThing", f"operationId: '{hostile}'\n      tags: ['../../tag']")
    root = make_repo(tmp_path / "repo", spec=spec)
    result = run_cli(root, "generate")
    assert result.returncode == 0, result.stderr[-3000:]
    client = root / "generated" / "demo" / "demo-client"
    outside = [p for p in tmp_path.rglob("*.py") if client not in p.parents]
    assert outside == []
    names = sorted(p.relative_to(client).as_posix() for p in client.rglob("*.py"))
    assert all(".." not in name for name in names), names


def test_a_schema_name_that_is_a_path_is_refused(tmp_path: Path) -> None:
    spec = SPEC + "    '../../../escaped':\n      type: object\n"
    result = run_cli(make_repo(tmp_path / "repo", spec=spec), "generate")
    assert "Traceback" not in result.stderr
    assert result.returncode == 2, result.stderr[-3000:]
    assert "/components/schemas" in result.stderr and "../../../escaped" in result.stderr
    assert [p for p in tmp_path.rglob("*.py")] == []
