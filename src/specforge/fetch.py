"""Refreshes a vendored spec: download, check, and only then replace the file and its provenance."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from . import _yaml
from .apis import API
from .document import load_json_document, to_json_data
from .errors import SpecforgeError
from .health import HealthReport, overlay_health
from .validate import openapi_findings

__all__ = ["FetchResult", "download", "refresh"]

_MAX_BYTES = 50 * 1024 * 1024


@dataclass
class FetchResult:
    """A downloaded document that passed every check, with what is needed to record provenance."""

    url: str
    body: bytes
    document: dict[str, Any]
    retrieved_at: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()


def download(url: str, *, timeout: float = 30.0) -> FetchResult:
    """GET `url` and require a complete, parseable, valid OpenAPI document; nothing is written."""
    try:
        response = httpx.get(
            url, timeout=timeout, follow_redirects=True, headers={"Accept": "application/yaml, application/json"}
        )
    except httpx.TimeoutException as err:
        raise SpecforgeError(url, f"timed out after {timeout:g}s ({type(err).__name__})") from err
    except httpx.RemoteProtocolError as err:
        raise SpecforgeError(url, f"incomplete response, the body was cut off: {err}") from err
    except httpx.HTTPError as err:
        raise SpecforgeError(url, f"network error: {err}") from err
    if response.status_code >= 400:
        raise SpecforgeError(url, f"HTTP {response.status_code} {response.reason_phrase}")
    body = response.content
    if not body.strip():
        raise SpecforgeError(url, "empty body")
    if len(body) > _MAX_BYTES:
        raise SpecforgeError(url, f"body of {len(body)} bytes is larger than {_MAX_BYTES}")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise SpecforgeError(url, f"body is not UTF-8 text: {err}") from err
    data = to_json_data(_yaml.loads(text, url), url)
    if not isinstance(data, dict) or "openapi" not in data:
        raise SpecforgeError(url, "body is not an OpenAPI document (no top-level `openapi` key)")
    problems = openapi_findings(data)
    if problems:
        raise SpecforgeError(url, "not a valid OpenAPI document:\n  " + "\n  ".join(map(str, problems[:10])))
    return FetchResult(url=url, body=body, document=data, retrieved_at=datetime.now(UTC).isoformat(timespec="seconds"))


def refresh(api: API, url: str | None = None, *, timeout: float = 30.0) -> HealthReport:
    """Download the API's vendored spec, check the overlays still apply, then replace spec + provenance.

    Every check runs before anything is written, so a failure leaves specs/ exactly as it was.
    """
    if api.provenance_path is None:
        raise SpecforgeError("codegen/apis.yaml", f"{api.name} is not vendored (no `provenance:` entry)")
    source = url or api.fetch_url
    if not source:
        raise SpecforgeError(
            "codegen/apis.yaml",
            f"no download URL for {api.name}",
            location=f"apis.{api.name}.fetch_url",
            hint="set fetch_url, or pass --url",
        )
    fetched = download(source, timeout=timeout)
    previous = load_json_document(api.patched_spec_path) if api.patched_spec_path.is_file() else None
    health = overlay_health(api, fetched.document, previous)
    if health.unmatched:
        kept = _keep_for_inspection(api, fetched.body)
        first = health.unmatched[0].action
        raise SpecforgeError(
            api.rel(first.source),
            f"{len(health.unmatched)} overlay action(s) match nothing in the downloaded spec; "
            f"{api.rel(api.spec_path)} was not replaced",
            location=first.label,
            hint=f"downloaded document kept at {kept}\n{health.render()}",
        )
    provenance = {
        "origin": "downloaded",
        "url": fetched.url,
        "retrieved_at": fetched.retrieved_at,
        "sha256": fetched.sha256,
        "size": len(fetched.body),
        "info_version": str(fetched.document.get("info", {}).get("version", "")),
    }
    _replace_together({api.spec_path: fetched.body, api.provenance_path: _yaml.dumps(provenance).encode()})
    return health


def _keep_for_inspection(api: API, body: bytes) -> Path:
    handle, name = tempfile.mkstemp(prefix=f"{api.name}-downloaded-", suffix=".yaml")
    with os.fdopen(handle, "wb") as out:
        out.write(body)
    return Path(name)


def _replace_together(files: dict[Path, bytes]) -> None:
    """Write each file beside its destination, then rename all: never a half-written spec."""
    staged: list[tuple[Path, Path]] = []
    try:
        for destination, content in files.items():
            handle, name = tempfile.mkstemp(prefix=f".{destination.name}.", dir=destination.parent)
            with os.fdopen(handle, "wb") as out:
                out.write(content)
            staged.append((Path(name), destination))
        for temporary, destination in staged:
            os.replace(temporary, destination)
    finally:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
