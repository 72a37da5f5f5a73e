"""Refreshing a vendored spec against a real local HTTP server serving fixtures."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from specforge import _yaml
from specforge.apis import API, load_apis
from specforge.errors import SpecforgeError
from specforge.fetch import refresh
from specforge.generate import regenerate

from ._demo import DEMO_SPEC

MOVED_SPEC = DEMO_SPEC.replace("kind: {type: integer}", "category: {type: integer}")
ROUTES: dict[str, tuple[int, bytes]] = {
    "/good.yaml": (200, DEMO_SPEC.replace('version: "1.0"', 'version: "1.1"').encode()),
    "/moved.yaml": (200, MOVED_SPEC.encode()),
    "/garbage.yaml": (200, b"<html><body>Download failed</body></html>"),
    "/not-openapi.yaml": (200, b"title: hello\n"),
    "/invalid.yaml": (200, b"openapi: 3.1.0\npaths: {}\n"),
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/slow.yaml":
            time.sleep(2)
        if self.path == "/truncated.yaml":
            self.send_response(200)
            self.send_header("Content-Length", "5000")
            self.end_headers()
            self.wfile.write(DEMO_SPEC.encode()[:100])
            self.wfile.flush()
            self.close_connection = True
            return
        status, body = ROUTES.get(self.path, (404, b"not found"))
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        """Silence the default stderr log."""


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture
def vendored(demo_repo: Path) -> API:
    registry = demo_repo / "codegen" / "apis.yaml"
    registry.write_text(
        registry.read_text().replace(
            "project: demo-client}", "project: demo-client, provenance: specs/demo/SOURCE.yaml}"
        )
    )
    (demo_repo / "specs" / "demo" / "SOURCE.yaml").write_text("origin: reconstructed\nsha256: x\n")
    api = load_apis(demo_repo)["demo"]
    regenerate([api], demo_repo)
    return api


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_good_download_replaces_spec_byte_for_byte_and_records_provenance(vendored: API, server: str) -> None:
    health = refresh(vendored, f"{server}/good.yaml")
    body = ROUTES["/good.yaml"][1]
    assert vendored.spec_path.read_bytes() == body
    source = _yaml.load(vendored.provenance_path)  # type: ignore[arg-type]
    assert source["origin"] == "downloaded"
    assert source["url"] == f"{server}/good.yaml"
    assert source["size"] == len(body)
    assert source["info_version"] == "1.1"
    assert len(source["sha256"]) == 64 and source["retrieved_at"].endswith("+00:00")
    assert not health.unmatched
    assert "~ info.version '1.0' -> '1.1'" in health.render()


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/missing.yaml", "HTTP 404"),
        ("/garbage.yaml", "not an OpenAPI document"),
        ("/not-openapi.yaml", "no top-level `openapi` key"),
        ("/invalid.yaml", "not a valid OpenAPI document"),
        ("/truncated.yaml", "body was cut off"),
        ("/slow.yaml", "timed out"),
        ("/moved.yaml", "match nothing in the downloaded spec"),
    ],
)
def test_a_bad_download_leaves_specs_and_generated_as_they_were(
    vendored: API, server: str, path: str, message: str
) -> None:
    before = _snapshot(vendored.root / "specs"), _snapshot(vendored.root / "generated")
    with pytest.raises(SpecforgeError, match=message):
        # 0.5 s only where the deadline is the point: it covers the whole download, and CI machines are busy.
        refresh(vendored, f"{server}{path}", timeout=0.5 if path == "/slow.yaml" else 30)
    assert (_snapshot(vendored.root / "specs"), _snapshot(vendored.root / "generated")) == before


def test_overlay_that_no_longer_applies_is_named(vendored: API, server: str) -> None:
    with pytest.raises(SpecforgeError) as raised:
        refresh(vendored, f"{server}/moved.yaml")
    assert raised.value.location == "actions[0] (DEMO-Q01)"
    assert "NO-OP" in (raised.value.hint or "")


def test_network_error_is_reported(vendored: API) -> None:
    with pytest.raises(SpecforgeError, match="network error"):
        refresh(vendored, "http://127.0.0.1:9/spec.yaml", timeout=2)


def test_no_url_configured(vendored: API) -> None:
    with pytest.raises(SpecforgeError, match="no download URL"):
        refresh(vendored)
