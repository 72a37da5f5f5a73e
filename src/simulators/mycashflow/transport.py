"""The store's front door, before any operation: HTTPS only, its own host, HTTP Basic, JSON, no trailing slash.

Order of the checks (a choice where the docs are silent): plain HTTP → 400 on every path; another host →
404; then, under /api/: missing or wrong credentials → 401 (also for unknown paths, so the API's shape is
not shown to strangers); an Accept header that excludes JSON → 406; a trailing slash → 404 saying so; a
path outside /api/v1 → 404.
"""

from __future__ import annotations

import re

import orjson
from starlette.types import ASGIApp, Receive, Scope, Send

from .auth import Users
from .errors import error_body

__all__ = ["StoreGate"]

_LOOPBACK = re.compile(r"(localhost|127\.0\.0\.1|\[::1\])(:\d+)?")
_JSON_TYPES = (b"application/json", b"application/*", b"*/*")


class StoreGate:
    """ASGI middleware in front of the spec app; answers the transport-level errors itself."""

    def __init__(
        self, app: ASGIApp, users: Users, *, storename: str, https_only: bool, control_prefix: str = "/_sim"
    ) -> None:
        self._app = app
        self._users = users
        self._https_only = https_only
        self._control = control_prefix + "/"
        self._host = re.compile(re.escape(f"{storename}.mycashflow.fi") + r"(:\d+)?", re.IGNORECASE)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        headers: dict[bytes, bytes] = dict(scope["headers"])
        problem = self._problem(scope, headers)
        if problem is None:
            await self._app(scope, receive, send)
            return
        status, field, message = problem
        extra = [(b"www-authenticate", b'Basic realm="MyCashflow API"')] if status == 401 else []
        body = orjson.dumps(error_body({field: [message]}))
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", b"%d" % len(body)),
                    *extra,
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    def _problem(  # noqa: PLR0911 - one early return per documented check, in the documented order
        self, scope: Scope, headers: dict[bytes, bytes]
    ) -> tuple[int, str, str] | None:
        if self._https_only and (scope["scheme"] == "http" or headers.get(b"x-forwarded-proto") == b"http"):
            return 400, "scheme", "The MyCashflow API is only available over HTTPS; use https://."
        path: str = scope["path"]
        if path.startswith(self._control):
            return None
        host = headers.get(b"host", b"").decode("latin-1")
        if host and not (self._host.fullmatch(host) or _LOOPBACK.fullmatch(host)):
            return 404, "host", "Calls to custom domains are ignored; use the store's default domain."
        if not path.startswith("/api/"):
            return 404, "path", "The API lives under /api/v1."
        if self._users.authenticate(headers) is None:
            return 401, "authorization", "Missing or incorrect API user e-mail or API key (HTTP Basic)."
        accept = headers.get(b"accept")
        if accept is not None and not any(
            p.split(b";", 1)[0].strip().lower() in _JSON_TYPES for p in accept.split(b",")
        ):
            return 406, "accept", "The API only answers application/json; send Accept: application/json."
        if path.endswith("/"):
            return 404, "path", f"Do not include a trailing slash in the request URL: use {path.rstrip('/') or '/'}."
        if not path.startswith(("/api/v1/", "/api/v0/")):
            return 404, "path", "Only /api/v1 and the /api/v0 order API are simulated."
        return None
