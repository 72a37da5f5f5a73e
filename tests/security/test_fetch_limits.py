"""`fetch` against hostile servers on 127.0.0.1: bombs, endless and dripping bodies, redirects, schemes."""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from specforge import _yaml
from specforge.apis import load_apis
from specforge.errors import SpecforgeError
from specforge.fetch import check_url, download, refresh

from ._inputs import SPEC, make_repo, run_cli, snapshot

CAP = _yaml.LIMITS.max_bytes
MB = 1 << 20


def _gzip_bomb(megabytes: int) -> bytes:
    """~1 KB per decoded MB: one full-flushed deflate block of 1 MB of spaces, repeated (no trailer needed:
    a client that honours the cap stops long before the end)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    head = compressor.compress(b'openapi: 3.1.0\nx: "') + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(b" " * MB) + compressor.flush(zlib.Z_FULL_FLUSH)
    return head + block * megabytes


class _Hostile(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    sent: dict[str, int]  # path → body bytes the server managed to send
    bomb = _gzip_bomb(1400)  # 1.4 MB on the wire, 1.4 GB decoded (the case)

    def _head(self, status: int, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()

    def _stream(self, chunks: Iterator[bytes], pause: float = 0.0) -> None:
        try:
            for chunk in chunks:
                self.wfile.write(chunk)
                self.wfile.flush()
                self.sent[self.path] = self.sent.get(self.path, 0) + len(chunk)
                time.sleep(pause)
        except OSError:  # the client hung up: what a capped download does
            self.close_connection = True

    def do_GET(self) -> None:
        port = self.connection.getsockname()[1]
        match self.path:
            case "/good.yaml":
                self._head(200, {"Content-Length": str(len(SPEC))})
                self.wfile.write(SPEC.encode())
            case "/gzip-bomb.yaml":
                self._head(200, {"Content-Encoding": "gzip", "Content-Length": str(len(self.bomb))})
                self._stream(iter([self.bomb[i : i + 65536] for i in range(0, len(self.bomb), 65536)]))
            case "/huge.yaml":  # 400 MB, declared honestly
                self._head(200, {"Content-Length": str(400 * MB)})
                self._stream(b"#" * MB for _ in range(400))
            case "/undeclared.yaml":  # 400 MB, no length: ends when the connection closes
                self._head(200, {"Connection": "close"})
                self.close_connection = True
                self._stream(b"#" * MB for _ in range(400))
            case "/drip.yaml":  # a byte every 0.5 s: 500 s in all, each read well within any per-read timeout
                self._head(200, {"Content-Length": "1000"})
                self._stream((b"#" for _ in range(1000)), pause=0.5)
            case "/same-host":
                self._head(302, {"Location": "/good.yaml", "Content-Length": "0"})
            case "/other-host":
                self._head(302, {"Location": f"http://localhost:{port}/good.yaml", "Content-Length": "0"})
            case "/to-plain-http":
                self._head(302, {"Location": "http://example.com/good.yaml", "Content-Length": "0"})
            case "/loop":
                self._head(302, {"Location": "/loop", "Content-Length": "0"})
            case _:
                self._head(404, {"Content-Length": "0"})

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, dict[str, int]]]:
    sent: dict[str, int] = {}
    handler = type("Handler", (_Hostile,), {"sent": sent})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", sent
    httpd.shutdown()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path)


def test_a_gzip_bomb_stops_at_the_decoded_cap(server: tuple[str, dict[str, int]], repo: Path) -> None:
    base, _ = server
    before = snapshot(repo / "specs")
    result = run_cli(repo, "fetch", "demo", "--url", f"{base}/gzip-bomb.yaml")
    assert "Traceback" not in result.stderr and result.returncode == 2, result.stderr[-2000:]
    assert f"body larger than {CAP} bytes (decoded); download stopped there" in result.stderr
    assert snapshot(repo / "specs") == before


@pytest.mark.parametrize("path", ["/huge.yaml", "/undeclared.yaml"])
def test_a_huge_body_is_not_downloaded_past_the_cap(server: tuple[str, dict[str, int]], repo: Path, path: str) -> None:
    base, sent = server
    result = run_cli(repo, "fetch", "demo", "--url", f"{base}{path}")
    assert result.returncode == 2 and "download stopped there" in result.stderr, result.stderr[-2000:]
    time.sleep(0.5)  # let the server notice the hang-up
    # The cap plus what the kernel's socket buffers took before the client hung up; never the 400 MB.
    assert sent.get(path, 0) < CAP + 64 * MB, sent


def test_the_timeout_is_one_deadline_for_the_whole_download(server: tuple[str, dict[str, int]], repo: Path) -> None:
    base, _ = server
    result = run_cli(repo, "fetch", "demo", "--url", f"{base}/drip.yaml", "--timeout", "2", timeout=60)
    assert result.returncode == 2, result.stderr[-2000:]
    assert "timed out: no complete answer within 2s" in result.stderr


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/openapi.yaml",
        "http://10.0.0.1/openapi.yaml",
        "http://[2001:db8::1]/openapi.yaml",
        "http://localhost.example.com/openapi.yaml",
        "http://127.0.0.1.nip.io/openapi.yaml",
        "ftp://127.0.0.1/openapi.yaml",
        "file:///etc/passwd",
        "HTTP://example.com/openapi.yaml",
        "//example.com/openapi.yaml",
        "openapi.yaml",
    ],
)
def test_only_https_and_loopback_http_are_fetched(url: str) -> None:
    with pytest.raises(SpecforgeError, match=r"only https:// URLs are fetched|not a valid URL"):
        download(url, timeout=2)


@pytest.mark.parametrize("url", ["http://127.0.0.1:1/x.yaml", "http://localhost:1/x.yaml", "http://[::1]:1/x.yaml"])
def test_loopback_http_is_allowed(url: str) -> None:
    assert check_url(url).host in ("127.0.0.1", "localhost", "::1")


def test_credentials_in_the_url_are_refused_and_not_echoed() -> None:
    with pytest.raises(SpecforgeError) as raised:
        download("https://api-user:s3cret-key@example.com/openapi.yaml", timeout=2)
    assert "credentials in the URL are refused" in str(raised.value)
    assert "s3cret" not in str(raised.value)


def test_a_same_host_redirect_is_followed_and_the_final_url_is_the_provenance(
    server: tuple[str, dict[str, int]], repo: Path
) -> None:
    base, _ = server
    api = load_apis(repo)["demo"]
    refresh(api, f"{base}/same-host", timeout=10)
    provenance = _yaml.load(repo / "specs" / "demo" / "SOURCE.yaml")
    assert provenance["url"] == f"{base}/good.yaml"
    assert provenance["requested_url"] == f"{base}/same-host"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/other-host", "redirect to another host refused: http://localhost"),
        ("/to-plain-http", "redirect refused: only https:// URLs are fetched"),
        ("/loop", "more than 5 redirects"),
    ],
)
def test_other_redirects_are_refused_and_nothing_is_written(
    server: tuple[str, dict[str, int]], repo: Path, path: str, message: str
) -> None:
    base, _ = server
    before = snapshot(repo / "specs")
    with pytest.raises(SpecforgeError, match=message):
        refresh(load_apis(repo)["demo"], f"{base}{path}", timeout=10)
    assert snapshot(repo / "specs") == before
