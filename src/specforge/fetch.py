"""Refreshes a vendored spec: download, check, and only then replace the file and its provenance.

The server is not trusted: https:// only (http:// only to loopback, for tests), redirects only on the
same host, one deadline for the whole download, and the body capped at the YAML loader's input limit
counted after decompression, so neither a slow drip nor a gzip bomb can hold or exhaust the machine.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from strict_url import URLRefused, parse_origin, redact_url

from . import _yaml
from .apis import API
from .document import load_json_document, to_json_data
from .errors import SpecforgeError
from .health import HealthReport, overlay_health
from .validate import openapi_findings

__all__ = ["FetchResult", "check_url", "download", "refresh"]

_MAX_REDIRECTS = 5


@dataclass
class FetchResult:
    """A downloaded document that passed every check, with what is needed to record provenance."""

    url: str  # where the body came from, after redirects
    body: bytes
    document: dict[str, Any]
    retrieved_at: str
    requested_url: str = ""

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()


def check_url(url: str) -> httpx.URL:
    """Only `https://` (plain `http://` only to a loopback host, for tests), read by the project's one strict parser:
    no credentials in the URL (they would be written to the provenance), one spelling per host."""
    try:
        origin = parse_origin(url)
    except URLRefused as err:
        raise SpecforgeError(redact_url(url), f"not a valid URL: {err.reason}") from None
    if origin.scheme == "http" and not origin.is_loopback:
        raise SpecforgeError(
            redact_url(url), "only https:// URLs are fetched (plain http:// only from a loopback host, for tests)"
        )
    return httpx.URL(url)


def _redirect_target(start: httpx.URL, current: httpx.URL, response: httpx.Response) -> httpx.URL:
    """Where a redirect leads, if it stays on the host the download started from (same scheme and port)."""
    location = response.headers.get("location")
    if not location:
        raise SpecforgeError(str(current), f"HTTP {response.status_code} redirect without a Location header")
    try:
        target = check_url(str(current.join(location)))
    except SpecforgeError as err:
        raise SpecforgeError(str(current), f"redirect refused: {err.message}", hint=f"Location: {location}") from err
    if (target.scheme, target.host, target.port) != (start.scheme, start.host, start.port):
        raise SpecforgeError(
            str(current),
            f"redirect to another host refused: {target.scheme}://{target.host}",
            hint="pass the final URL with --url if that host is the right source",
        )
    return target


async def _get(start: httpx.URL, url: str, timeout: float, max_bytes: int) -> tuple[httpx.URL, bytes]:
    """Follow same-host redirects, then stream the body, stopping as soon as its decoded size passes the cap."""
    headers = {"Accept": "application/yaml, application/json"}
    async with httpx.AsyncClient(timeout=timeout, follow_redirects=False, headers=headers) as client:
        current = start
        for _ in range(_MAX_REDIRECTS + 1):
            async with client.stream("GET", current) as response:
                if response.is_redirect:
                    current = _redirect_target(start, current, response)
                    continue
                if response.status_code >= 400:
                    raise SpecforgeError(str(current), f"HTTP {response.status_code} {response.reason_phrase}")
                body = bytearray()
                # Decoded bytes (gzip/deflate undone chunk by chunk): a compressed bomb stops at the cap too.
                async for chunk in response.aiter_bytes():
                    body += chunk
                    if len(body) > max_bytes:
                        raise SpecforgeError(
                            str(current), f"body larger than {max_bytes} bytes (decoded); download stopped there"
                        )
                return current, bytes(body)
    raise SpecforgeError(url, f"more than {_MAX_REDIRECTS} redirects")


def download(url: str, *, timeout: float = 30.0) -> FetchResult:
    """GET `url` and require a complete, parseable, valid OpenAPI document; nothing is written.

    `timeout` is a deadline for the whole download (connect, redirects and every read together), so a
    server that drips a byte at a time cannot hold the command; the body is capped at the YAML loader's
    input size, counted after decompression.
    """
    start = check_url(url)
    max_bytes = _yaml.LIMITS.max_bytes
    try:
        final, body = asyncio.run(asyncio.wait_for(_get(start, url, timeout, max_bytes), timeout))
    except TimeoutError as err:
        raise SpecforgeError(url, f"timed out: no complete answer within {timeout:g}s (one deadline in all)") from err
    except httpx.TimeoutException as err:
        raise SpecforgeError(url, f"timed out after {timeout:g}s ({type(err).__name__})") from err
    except httpx.RemoteProtocolError as err:
        raise SpecforgeError(url, f"incomplete response, the body was cut off: {err}") from err
    except httpx.DecodingError as err:
        raise SpecforgeError(url, f"the body's Content-Encoding could not be decoded: {err}") from err
    except httpx.HTTPError as err:
        raise SpecforgeError(url, f"network error: {err}") from err
    source = str(final)
    if not body.strip():
        raise SpecforgeError(source, "empty body")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise SpecforgeError(source, f"body is not UTF-8 text: {err}") from err
    data = to_json_data(_yaml.loads(text, source), source)
    if not isinstance(data, dict) or "openapi" not in data:
        raise SpecforgeError(source, "body is not an OpenAPI document (no top-level `openapi` key)")
    problems = openapi_findings(data)
    if problems:
        raise SpecforgeError(source, "not a valid OpenAPI document:\n  " + "\n  ".join(map(str, problems[:10])))
    retrieved_at = datetime.now(UTC).isoformat(timespec="seconds")
    return FetchResult(url=source, body=body, document=data, retrieved_at=retrieved_at, requested_url=url)


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
        "url": fetched.url,  # after redirects: where the bytes came from
        **({"requested_url": fetched.requested_url} if fetched.requested_url != fetched.url else {}),
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
