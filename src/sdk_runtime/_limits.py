"""Per-call limits an upstream cannot stretch: a total deadline and a response size cap.

httpx's timeouts bound each socket operation, so a server that sends a byte every few seconds keeps a
call alive for ever, and a body is read whole into memory, however large (or however well compressed).
These limits are enforced in the SDK's transport, so they hold for sync and async calls alike and span
every retry of one call.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import httpx

from ._errors import DeadlineExceeded, ResponseTooLarge

__all__ = ["DEFAULT_DEADLINE", "DEFAULT_MAX_RESPONSE_BYTES", "CallLimits", "Deadline"]

DEFAULT_DEADLINE = 60.0
"""Seconds one call may take in all: connecting, every retry and its wait, and reading the whole body."""
DEFAULT_MAX_RESPONSE_BYTES = 128 * 1024 * 1024
"""Decoded bytes of one response body. A MyCashflow page of 10,000 items with expansions can run to tens
of MB, so the cap is generous; lower it where pages are small."""


@dataclass(frozen=True)
class CallLimits:
    """`deadline` (seconds) and `max_response_bytes` per call; None switches one off."""

    deadline: float | None = DEFAULT_DEADLINE
    max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES

    def __post_init__(self) -> None:
        if self.deadline is not None and not self.deadline > 0:
            raise ValueError(f"deadline must be a positive number of seconds or None, got {self.deadline!r}")
        if self.max_response_bytes is not None and self.max_response_bytes < 1:
            raise ValueError(f"max_response_bytes must be at least 1 or None, got {self.max_response_bytes!r}")


class Deadline:
    """One call's clock: started when the transport first sees the request."""

    def __init__(self, seconds: float | None, request: httpx.Request) -> None:
        self.seconds = seconds
        self.request = request
        self._ends = None if seconds is None else time.monotonic() + seconds
        # As configured, before any narrowing: `narrow` puts a new dict in the extensions, never edits this one.
        self._timeouts: dict[str, float | None] = request.extensions.get("timeout", {})

    def remaining(self) -> float | None:
        return None if self._ends is None else self._ends - time.monotonic()

    def allows_wait(self, seconds: float) -> bool:
        """Whether waiting `seconds` still leaves time for another attempt."""
        remaining = self.remaining()
        return remaining is None or seconds < remaining

    def exceeded(self) -> DeadlineExceeded:
        return DeadlineExceeded(
            f"{self.request.method} {self.request.url.copy_with(query=None, fragment=None)} took longer than its "
            f"deadline of {self.seconds} s (sdk_runtime: deadline=)",
            request=self.request,
        )

    def check_after(self, error: httpx.TimeoutException) -> None:
        """After a timeout: if the deadline has passed, raise DeadlineExceeded (chained) instead of retrying."""
        remaining = self.remaining()
        if remaining is not None and remaining <= 0:
            raise self.exceeded() from error

    def check(self) -> None:
        remaining = self.remaining()
        if remaining is not None and remaining <= 0:
            raise self.exceeded()

    def narrow(self) -> None:
        """Before an attempt: no socket operation may wait past the deadline (httpx reads these per request)."""
        remaining = self.remaining()
        if remaining is None:
            return
        if remaining <= 0:
            raise self.exceeded()
        # The usual first attempt (deadline 60 s, timeouts 30 s) has nothing to narrow: keep the dict as it is.
        for configured in self._timeouts.values():
            if configured is None or configured > remaining:
                break
        else:
            return
        self.request.extensions["timeout"] = {
            name: remaining if configured is None else min(configured, remaining)
            for name, configured in self._timeouts.items()
        }


def guard_response(response: httpx.Response, limits: CallLimits, deadline: Deadline) -> httpx.Response:
    """`response` with a body that stops at the size cap and the deadline; a declared oversize fails now.

    A body with a Content-Encoding is decoded here so the cap counts what lands in memory, not the compressed
    bytes: the returned response then has no Content-Encoding and no Content-Length of its own. Any other body
    is counted in `response` itself, whose stream is replaced by the guarded one.
    """
    cap = limits.max_response_bytes
    if response.is_stream_consumed:  # a transport that read the body already (e.g. MockTransport(TestClient.send))
        # The decoded body is in memory: nothing left to time, and its length is the one figure to check.
        if cap is not None and len(response.content) > cap:
            raise _too_large(deadline.request, cap)
        return response
    if cap is None and limits.deadline is None:
        return response
    encoded = "content-encoding" in response.headers  # then Content-Length counts compressed bytes
    declared = "" if encoded else response.headers.get("content-length", "")
    if cap is not None and declared.isdigit() and len(declared) < 20 and int(declared) > cap:
        response.close()
        raise _too_large(deadline.request, cap)
    if not encoded:
        # The bytes on the wire are the body: count them as they come, in the same response (no copies of it,
        # its headers or its decoders on the hot path).
        response.stream = _GuardedStream(response.stream, cap, deadline)
        return response
    headers = httpx.Headers(response.headers)
    del headers["content-encoding"]
    headers.pop("content-length", None)
    inner = httpx.Response(response.status_code, headers=response.headers, stream=response.stream)
    return httpx.Response(
        response.status_code,
        headers=headers,
        stream=_GuardedStream(inner, cap, deadline),
        extensions=response.extensions,
        request=deadline.request,
    )


def _too_large(request: httpx.Request, cap: int) -> ResponseTooLarge:
    where = request.url.copy_with(query=None, fragment=None)
    return ResponseTooLarge(
        f"the response to {request.method} {where} is larger than {cap} bytes (sdk_runtime: max_response_bytes=)",
        request=request,
    )


class _GuardedStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """Decoded chunks of `inner` (a response whose Content-Encoding it decodes, or a stream of a body sent
    without one), counted against the cap and checked against the deadline as they arrive."""

    def __init__(
        self, inner: httpx.Response | httpx.SyncByteStream | httpx.AsyncByteStream, cap: int | None, deadline: Deadline
    ) -> None:
        self._inner = inner
        self._cap = cap
        self._deadline = deadline
        self._size = 0

    def _take(self, chunk: bytes) -> bytes:
        self._size += len(chunk)
        if self._cap is not None and self._size > self._cap:
            raise _too_large(self._deadline.request, self._cap)
        self._deadline.check()
        return chunk

    def _past_deadline(self) -> bool:
        remaining = self._deadline.remaining()
        return remaining is not None and remaining <= 0

    def _chunks(self) -> Iterator[bytes]:
        inner = self._inner
        if isinstance(inner, httpx.Response):
            return inner.iter_bytes()
        if not isinstance(inner, httpx.SyncByteStream):
            raise TypeError("attempted to read an asynchronous response synchronously")
        return iter(inner)

    def _async_chunks(self) -> AsyncIterator[bytes]:
        inner = self._inner
        if isinstance(inner, httpx.Response):
            return inner.aiter_bytes()
        if not isinstance(inner, httpx.AsyncByteStream):
            raise TypeError("attempted to read a synchronous response asynchronously")
        return aiter(inner)

    def __iter__(self) -> Iterator[bytes]:
        try:
            for chunk in self._chunks():
                yield self._take(chunk)
        except DeadlineExceeded:
            raise
        except httpx.TimeoutException as error:  # a read narrowed to the deadline ran out: say which limit
            if self._past_deadline():
                raise self._deadline.exceeded() from error
            raise

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._async_chunks():
                yield self._take(chunk)
        except DeadlineExceeded:
            raise
        except httpx.TimeoutException as error:
            if self._past_deadline():
                raise self._deadline.exceeded() from error
            raise

    def close(self) -> None:
        if isinstance(self._inner, (httpx.Response, httpx.SyncByteStream)):
            self._inner.close()

    async def aclose(self) -> None:
        if isinstance(self._inner, (httpx.Response, httpx.AsyncByteStream)):
            await self._inner.aclose()
