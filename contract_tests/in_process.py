"""Calls into an in-process simulator on the calling thread: one event loop per process, no thread hop per request.

schemathesis 4.32 reaches an ASGI app through a requests adapter that runs it on a shared event-loop thread, two
blocking-portal round trips per request (one to make an `anyio.Event`, one to run the app), and a fresh
`requests.Session` with three adapters per case. Profiled on the fast suite (py-spy, issue 21) that was about 20%
of the server tests' time, ten times the simulator's own work. Here the same requests.Session interface (so
schemathesis' own RequestsTransport still prepares, sends and reads every request) is mounted on an adapter that
runs the app with httpx's ASGITransport (the ASGI scope, receive and send are httpx's, not ours) on one event loop
owned by the calling thread. Everything that talks to an in-process simulator in the contract tests (operation
tests, stateful steps, resets) goes through it, so the simulator only ever runs on that one loop.

The simulators declare no lifespan handlers, so no lifespan is run (schemathesis would start one per app).
"""

from __future__ import annotations

import asyncio
import io
from http import HTTPStatus
from http.cookiejar import DefaultCookiePolicy
from typing import Any

import httpx
import requests
import requests.adapters
import urllib3
from schemathesis.python.asgi import HOST, ASGIClient

__all__ = ["HOST", "InProcessClient", "SameThreadTransport"]

_LOOP: list[asyncio.AbstractEventLoop] = []


def _loop() -> asyncio.AbstractEventLoop:
    """The process's one loop for in-process calls (made on first use, run only by run_until_complete)."""
    if not _LOOP:
        _LOOP.append(asyncio.new_event_loop())
    return _LOOP[0]


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _latin1(value: str | bytes) -> bytes:
    """Header octets as a server reads them off the wire (schemathesis' own ASGI adapter does the same)."""
    return value if isinstance(value, bytes) else value.encode("latin-1")


class SameThreadTransport(httpx.BaseTransport):
    """httpx's ASGITransport for a synchronous httpx client (the generated clients, the SDKs), awaited on this
    thread's loop. starlette's TestClient runs the app on a portal thread instead, two thread hops per request:
    the four business-rule model test files took 17.9 s through it and take 6.9 s through this (fast profile, one
    process, issue 21)."""

    def __init__(self, app: Any) -> None:
        self._transport = httpx.ASGITransport(app=app, client=("testclient", 50000))

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return _loop().run_until_complete(self._answer(request))

    async def _answer(self, request: httpx.Request) -> httpx.Response:
        response = await self._transport.handle_async_request(request)
        # Read here; a synchronous client is then handed the same bytes as a stream it can iterate
        response.stream = httpx.ByteStream(await response.aread())
        return response


class _SameThreadAdapter(requests.adapters.HTTPAdapter):
    """A requests adapter whose every request is one call of the ASGI app, awaited on this thread's loop."""

    def __init__(self, app: Any) -> None:
        super().__init__()
        self._transport = SameThreadTransport(app)

    def close(self) -> None:  # nothing is pooled: the app is called directly
        pass

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        body = request.body
        if body is not None and not isinstance(body, (bytes, str)):
            raise TypeError(f"in-process requests take a bytes or str body, not {type(body).__name__}")
        outgoing = httpx.Request(
            str(request.method),
            str(request.url),
            headers=[(_latin1(name), _latin1(value)) for name, value in request.headers.items()],
            content=_latin1(body) if isinstance(body, str) else body,
        )
        answer = self._transport.handle_request(outgoing)
        headers = urllib3.HTTPHeaderDict()
        for name, value in answer.headers.raw:  # repeated headers (Set-Cookie) stay repeated
            headers.add(name.decode("latin-1"), value.decode("latin-1"))
        raw = urllib3.HTTPResponse(
            body=io.BytesIO(answer.content),
            headers=headers,
            status=answer.status_code,
            reason=_reason(answer.status_code),
            version=11,
            preload_content=False,
            request_method=request.method,
        )
        return self.build_response(request, raw)


class InProcessClient(ASGIClient):
    """schemathesis' ASGI session type (so its ASGI transport sends through it as given), on _SameThreadAdapter.

    One per API and process, reused by every case: it keeps no cookies (each case sends only what it would
    alone) and its only default header is the `user-agent: testclient` schemathesis' own client sends.
    """

    def __init__(self, app: Any, base_url: str = f"http://{HOST}") -> None:
        super().__init__(app, base_url)
        self.adapter = _SameThreadAdapter(app)  # type: ignore[assignment]
        self.mount("http://", self.adapter)
        self.mount("https://", self.adapter)
        self.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
        # No proxy, netrc or CA bundle from the environment applies to a call that never leaves the process;
        # reading them (requests' merge_environment_settings) was 3% of the server tests' time.
        self.trust_env = False

    def __enter__(self) -> InProcessClient:  # no lifespan to start (module docstring)
        return self

    def __exit__(self, *args: Any) -> None:
        self.close()
