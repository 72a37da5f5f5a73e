"""A sandbox run's manners: at most N requests a second, and `Retry-After` honoured on 429 and 503 (bounded).

Every request a sandbox run makes passes the recording proxy (contract_tests/sandbox_run.py), whose upstream
transport is a PacedTransport: it takes a token from the origin's bucket before each send and, when the sandbox
answers 429 or 503 with a `Retry-After` (RFC 9110 §10.2.3: delay-seconds or an HTTP-date), waits that long
and sends the same request again. A wait beyond the run's maximum is not waited for: the answer is passed on,
the run is told (`Manners.exceeded`) and stops after the current test, failing, with the reason.

Hand-written rather than a rate-limiting library: the proxy's event loop and the cleanup's thread share one
bucket per origin, and the libraries at hand are either asyncio-only (aiolimiter) or bring a storage layer
(pyrate-limiter, limits) for what is a dozen lines here.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from sdk_runtime import retry_after_seconds

from .wire_guard import SAFE_METHODS

__all__ = [
    "DEFAULT_MAX_WAIT_S",
    "DEFAULT_RATE",
    "Manners",
    "PacedTransport",
    "SandboxLimitError",
    "TokenBucket",
    "retry_after_seconds",
]

DEFAULT_RATE = 5.0  # requests a second per sandbox origin: a vendor's test system is small, shared and slow
DEFAULT_MAX_WAIT_S = 60.0  # the longest single Retry-After the run waits out
MAX_RETRIES = 5  # waits for one request; after that its last answer is passed on and the run stops
RETRY_STATUSES = frozenset({429, 503})  # RFC 6585 §4 (429) and RFC 9110 §15.6.4 (503) name Retry-After
MAX_CREATE_BODY = 10 * 1024 * 1024  # a create answer read for its id: the proxy's own cap


class SandboxLimitError(httpx.TransportError):
    """Not sent: the sandbox asked for a longer pause than the run may take; the run is stopping."""


class TokenBucket:
    """`rate` tokens a second, at most `burst` saved up; `reserve()` takes one and says how long to wait for it.

    Thread-safe: a reservation is made under the lock (so concurrent callers queue in order), the wait is
    the caller's, outside it.
    """

    def __init__(self, rate: float, burst: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0:
            raise ValueError(f"a request budget must be above 0 per second, not {rate}")
        self.rate = rate
        self.burst = max(1.0, burst)
        self._clock = clock
        self._tokens = self.burst
        self._last = clock()
        self._lock = threading.Lock()

    def reserve(self) -> float:
        with self._lock:
            now = self._clock()
            self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
            self._last = now
            self._tokens -= 1.0
            return 0.0 if self._tokens >= 0 else -self._tokens / self.rate


@dataclass
class Manners:
    """The budget (one bucket per sandbox origin) and what the sandbox asked of the run, for its summary."""

    rate: float = DEFAULT_RATE
    max_wait_s: float = DEFAULT_MAX_WAIT_S
    buckets: dict[str, TokenBucket] = field(default_factory=dict)
    waits: list[tuple[str, int, float]] = field(default_factory=list)  # (request, status, seconds waited)
    exceeded: list[str] = field(default_factory=list)  # why the run had to stop, one line each
    cleaning: bool = False  # the cleanup is running: it may still send after the run was stopped
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def bucket(self, origin: str) -> TokenBucket:
        with self._lock:
            if origin not in self.buckets:
                self.buckets[origin] = TokenBucket(self.rate)
            return self.buckets[origin]

    def stop(self, why: str) -> None:
        with self._lock:
            self.exceeded.append(why)

    def summary(self) -> list[str]:
        lines = [
            f"sandbox budget: {self.rate:g} request(s)/s per origin, Retry-After waited up to {self.max_wait_s:g} s"
        ]
        if self.waits:
            total = sum(seconds for _, _, seconds in self.waits)
            lines.append(f"sandbox asked to wait {len(self.waits)} time(s) (Retry-After), {total:.1f} s in all")
        lines.extend(f"SANDBOX LIMIT: {why}" for why in self.exceeded)
        return lines


class PacedTransport(httpx.AsyncBaseTransport):
    """The proxy's way to the sandbox: budget, Retry-After, read-only refusal, and create answers shown to `observe`.

    `observe(request, status, body)` sees the decoded body of every answer whose request `wants` says it
    needs (a create operation's): that is how the cleanup learns ids, from the run's own answers only.
    """

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        manners: Manners,
        *,
        origin: str,
        read_only: bool = False,
        wants: Callable[[httpx.Request], bool] = lambda request: False,
        observe: Callable[[httpx.Request, int, bytes], None] | None = None,
    ) -> None:
        self._inner = inner
        self.manners = manners
        self.origin = origin
        self.read_only = read_only
        self._wants = wants
        self._observe = observe

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.read_only and request.method not in SAFE_METHODS:
            # The wire guard refuses this before it reaches the proxy; the cleanup's own client is checked here.
            raise SandboxLimitError(f"{request.method} refused: the target is read-only", request=request)
        if self.manners.exceeded and not self.manners.cleaning:
            raise SandboxLimitError(f"not sent, the run is stopping: {self.manners.exceeded[0]}", request=request)
        await request.aread()  # kept whole, so a request the sandbox asked to repeat can be sent again
        bucket = self.manners.bucket(self.origin)
        label = f"{request.method} {request.url.path}"
        for attempt in range(MAX_RETRIES + 1):
            pause = bucket.reserve()
            if pause > 0:
                await asyncio.sleep(pause)
            response = await self._inner.handle_async_request(request)
            wait = self._asked_wait(response)
            if wait is None:
                break
            if wait > self.manners.max_wait_s or attempt == MAX_RETRIES:
                why = (
                    f"{label} answered {response.status_code} with Retry-After {wait:g} s, beyond the "
                    f"{self.manners.max_wait_s:g} s maximum (--sandbox-max-wait, CONTRACT_SANDBOX_MAX_WAIT)"
                    if wait > self.manners.max_wait_s
                    else f"{label} still answered {response.status_code} after {MAX_RETRIES} Retry-After waits"
                )
                self.manners.stop(why)
                break
            await response.aclose()
            self.manners.waits.append((label, response.status_code, wait))
            await asyncio.sleep(wait)
        if self._observe is None or not (200 <= response.status_code < 300) or not self._wants(request):
            return response
        return await self._shown(request, response)

    def _asked_wait(self, response: httpx.Response) -> float | None:
        if response.status_code not in RETRY_STATUSES:
            return None
        header = response.headers.get("retry-after")
        return None if header is None else retry_after_seconds(header)

    async def _shown(self, request: httpx.Request, response: httpx.Response) -> httpx.Response:
        """Read the answer (bounded), show its decoded body to `observe`, pass the raw bytes on unchanged."""
        raw = b""
        try:
            async for chunk in response.aiter_raw():
                raw += chunk
                if len(raw) > MAX_CREATE_BODY:
                    raise httpx.DecodingError(f"a create answer beyond {MAX_CREATE_BODY} bytes", request=request)
        finally:
            await response.aclose()
        try:
            copy = httpx.Response(response.status_code, headers=response.headers, stream=httpx.ByteStream(raw))
            decoded = copy.read()
        except httpx.DecodingError:
            decoded = b""
        assert self._observe is not None
        self._observe(request, response.status_code, decoded)
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=httpx.ByteStream(raw),
            extensions=response.extensions,
            request=request,
        )

    async def aclose(self) -> None:
        await self._inner.aclose()
