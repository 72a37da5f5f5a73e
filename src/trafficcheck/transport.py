"""An httpx transport that checks every exchange it carries against the patched spec, for users' own tests.

`Mash(transport=ValidatingTransport("mash", inner=...))` or `httpx.Client(transport=ValidatingTransport(...))`:
each response is read whole (up to `max_body_bytes`), judged by the TrafficChecker, then handed on unchanged
(the raw, still-encoded bytes, so the client decodes exactly what the server sent). With `raise_on_deviation`
(the default) a deviation raises DeviationError, an AssertionError, so a test fails on it; otherwise every
verdict is kept in `.checked` for the test to assert on.

It lives here, not in sdk_runtime: the client layer may not import specs or simulators (ARCHITECTURE.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import httpx

from .check import Checked, TrafficChecker

__all__ = ["DEFAULT_MAX_BODY_BYTES", "DeviationError", "ValidatingTransport"]

DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024


class DeviationError(AssertionError):
    """An exchange differed from the spec; `checked` holds the verdict (operation and every deviation)."""

    def __init__(self, checked: Checked) -> None:
        self.checked = checked
        lines = "\n".join(f"  - {deviation.line()}" for deviation in checked.deviations)
        super().__init__(f"{checked.label} ({checked.operation_id}) differs from the spec:\n{lines}")


class BodyTooLargeError(httpx.TransportError):
    """A body beyond the transport's cap: not checked, not passed on."""


class ValidatingTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Wraps `inner` (default: httpx's own transport, sync or async as the client asks) with the spec check."""

    def __init__(
        self,
        api: str | TrafficChecker,
        inner: httpx.BaseTransport | httpx.AsyncBaseTransport | None = None,
        *,
        raise_on_deviation: bool = True,
        ignore: Iterable[str] = (),
        generated: Path | None = None,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    ) -> None:
        self.checker = (
            api if isinstance(api, TrafficChecker) else TrafficChecker.for_api(api, generated=generated, ignore=ignore)
        )
        self._inner = inner
        self.raise_on_deviation = raise_on_deviation
        self.max_body_bytes = max_body_bytes
        self.checked: list[Checked] = []

    @property
    def deviations(self) -> list[Checked]:
        """The verdicts that found something."""
        return [checked for checked in self.checked if checked.deviations]

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        inner = self._inner if self._inner is not None else httpx.HTTPTransport()
        if not isinstance(inner, httpx.BaseTransport):
            raise TypeError("a sync client needs a sync inner transport (httpx.BaseTransport)")
        self._inner = inner
        request_body = request.read()
        response = inner.handle_request(request)
        if response.is_stream_consumed:  # a transport that read the body already (MockTransport(TestClient.send))
            return self._judge(request, request_body, response, None)
        try:
            raw = b""
            for chunk in response.iter_raw():
                raw += chunk
                if len(raw) > self.max_body_bytes:
                    raise BodyTooLargeError(f"response body beyond {self.max_body_bytes} bytes", request=request)
        finally:
            response.close()
        return self._judge(request, request_body, response, raw)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        inner = self._inner if self._inner is not None else httpx.AsyncHTTPTransport()
        if not isinstance(inner, httpx.AsyncBaseTransport):
            raise TypeError("an async client needs an async inner transport (httpx.AsyncBaseTransport)")
        self._inner = inner
        request_body = await request.aread()
        response = await inner.handle_async_request(request)
        if response.is_stream_consumed:
            return self._judge(request, request_body, response, None)
        try:
            raw = b""
            async for chunk in response.aiter_raw():
                raw += chunk
                if len(raw) > self.max_body_bytes:
                    raise BodyTooLargeError(f"response body beyond {self.max_body_bytes} bytes", request=request)
        finally:
            await response.aclose()
        return self._judge(request, request_body, response, raw)

    def _judge(
        self, request: httpx.Request, request_body: bytes, response: httpx.Response, raw: bytes | None
    ) -> httpx.Response:
        if raw is None:
            decoded = response.content
        else:
            # Decoded (gzip…) as httpx decodes it, from a copy: the client gets the raw bytes and decodes them itself.
            decoded = httpx.Response(
                response.status_code, headers=response.headers, stream=httpx.ByteStream(raw)
            ).read()
        checked = self.checker.check(
            method=request.method,
            path=request.url.path,
            query=request.url.params.multi_items(),
            request_body=request_body,
            status=response.status_code,
            response_body=decoded,
            request_headers=request.headers.multi_items(),
            response_headers=response.headers.multi_items(),
        )
        self.checked.append(checked)
        if checked.deviations and self.raise_on_deviation:
            raise DeviationError(checked)
        if raw is None:
            return response
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=httpx.ByteStream(raw),
            extensions=response.extensions,
            request=request,
        )

    def close(self) -> None:
        if isinstance(self._inner, httpx.BaseTransport):
            self._inner.close()

    async def aclose(self) -> None:
        if isinstance(self._inner, httpx.AsyncBaseTransport):
            await self._inner.aclose()
