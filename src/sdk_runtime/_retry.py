"""Retries as an httpx transport: exponential backoff with jitter, Retry-After, a budget, safe methods only."""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx

from ._limits import CallLimits, Deadline, guard_response
from ._tls import Verify, is_tls_verification_failure, ssl_context

__all__ = ["RetryPolicy", "RetryTransport"]

logger = logging.getLogger("sdk_runtime.retry")

# Failures after which the request may or may not have reached the server: repeating one is only
# safe for a method that is safe to repeat, which is why `methods` gates these as well.
_RETRYABLE_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


def _retryable_status(status_code: int) -> bool:
    # 501 Not Implemented will not change on a second try; every other 5xx and 429 might.
    return status_code == 429 or (500 <= status_code <= 599 and status_code != 501)


@dataclass(frozen=True, kw_only=True)
class RetryPolicy:
    """When and how long to wait before repeating a request.

    By default only GET, HEAD and OPTIONS are repeated: an order creation or a charge (POST) never is,
    even after a timeout, because the first attempt may have succeeded on the server.
    """

    max_retries: int = 3
    """Repeats after the first attempt."""
    max_wait: float = 30.0
    """Budget: the total seconds spent waiting between attempts of one request."""
    backoff: float = 0.5
    """The first wait; each further wait doubles, up to `max_backoff`, with up to half taken off as jitter."""
    max_backoff: float = 8.0
    methods: frozenset[str] = frozenset({"GET", "HEAD", "OPTIONS"})
    """The methods that are repeated. Add e.g. "PUT" only where the API makes it idempotent."""
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False, compare=False)
    async_sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep, repr=False, compare=False)
    rng: Callable[[], float] = field(default=random.random, repr=False, compare=False)
    """A uniform draw in [0, 1) for the jitter."""
    clock: Callable[[], float] = field(default=time.time, repr=False, compare=False)
    """Wall-clock seconds, to turn an HTTP-date Retry-After into a wait."""

    @classmethod
    def disabled(cls) -> RetryPolicy:
        """Never repeat a request."""
        return cls(max_retries=0)

    def backoff_for(self, retry: int) -> float:
        """The jittered wait before repeat number `retry` (1-based) when the server names none."""
        ceiling = min(self.max_backoff, self.backoff * 2.0 ** (retry - 1))
        return ceiling * (1 - self.rng() / 2)

    def retry_after(self, response: httpx.Response) -> float | None:
        """The wait the server asked for in Retry-After (seconds or an HTTP date), if any."""
        value = response.headers.get("Retry-After", "").strip()
        if not value:
            return None
        if value.isdigit():
            return float(value)
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, when.timestamp() - self.clock())


class _Attempts:
    """The retry decisions for one request, shared by the sync and the async path."""

    def __init__(self, policy: RetryPolicy, request: httpx.Request, deadline: Deadline) -> None:
        self.policy = policy
        self.request = request
        self.deadline = deadline
        self.retries = 0
        self.waited = 0.0
        self.repeatable = request.method in policy.methods

    def wait_after(self, outcome: httpx.Response | Exception) -> float | None:
        """Seconds to wait before the next attempt, or None to stop and surface `outcome`."""
        if isinstance(outcome, httpx.Response):
            if not (self.repeatable and _retryable_status(outcome.status_code)):
                return None
            reason = f"HTTP {outcome.status_code}"
            asked = self.policy.retry_after(outcome)
        else:
            if not (self.repeatable and isinstance(outcome, _RETRYABLE_ERRORS)):
                return None
            if is_tls_verification_failure(outcome):
                return None  # an untrusted certificate fails the same way every time
            reason = type(outcome).__name__
            asked = None
        wait = 0.0
        if self.retries < self.policy.max_retries:
            wait = asked if asked is not None else self.policy.backoff_for(self.retries + 1)
        if (
            self.retries >= self.policy.max_retries
            or self.waited + wait > self.policy.max_wait
            or not self.deadline.allows_wait(wait)  # no time left for another attempt within the call's deadline
        ):
            if self.policy.max_retries:
                logger.warning(
                    "Giving up on %s %s after %d retries (%.2f s waited): %s",
                    *self._where(), self.retries, self.waited, reason,
                )  # fmt: skip
            return None
        self.retries += 1
        self.waited += wait
        logger.info(
            "Retrying %s %s in %.2f s (retry %d of %d): %s",
            *self._where(), wait, self.retries, self.policy.max_retries, reason,
        )  # fmt: skip
        return wait

    def _where(self) -> tuple[str, str]:
        # Method and URL without the query: never a header, so never the Authorization header.
        return self.request.method, str(self.request.url.copy_with(query=None, fragment=None))


class RetryTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Wraps a transport (sync, async or both, like httpx.MockTransport) and repeats failed attempts.

    It also enforces `limits` (CallLimits): one deadline across every attempt, wait and the body read, and
    a cap on the decoded response body.
    """

    def __init__(
        self,
        transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None = None,
        policy: RetryPolicy | None = None,
        limits: CallLimits | None = None,
        *,
        verify: Verify = True,
    ) -> None:
        self.policy = policy or RetryPolicy()
        self.limits = limits or CallLimits()
        self._transport = transport
        # One trust setting for both of the transports built below: a client serves `with` and `async with`.
        self._verify = ssl_context(verify)
        self._sync: httpx.BaseTransport | None = transport if isinstance(transport, httpx.BaseTransport) else None
        self._async = transport if isinstance(transport, httpx.AsyncBaseTransport) else None

    def _sync_transport(self) -> httpx.BaseTransport:
        if self._sync is None:
            if self._transport is not None:
                raise TypeError(f"{type(self._transport).__name__} cannot send synchronous requests")
            self._sync = httpx.HTTPTransport(verify=self._verify)
        return self._sync

    def _async_transport(self) -> httpx.AsyncBaseTransport:
        if self._async is None:
            if self._transport is not None:
                raise TypeError(f"{type(self._transport).__name__} cannot send asynchronous requests")
            self._async = httpx.AsyncHTTPTransport(verify=self._verify)
        return self._async

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        transport = self._sync_transport()
        deadline = Deadline(self.limits.deadline, request)
        attempts = _Attempts(self.policy, request, deadline)
        while True:
            deadline.narrow()
            try:
                response = transport.handle_request(request)
            except httpx.TimeoutException as err:
                deadline.check_after(err)
                if (wait := attempts.wait_after(err)) is None:
                    raise
            except Exception as err:
                if (wait := attempts.wait_after(err)) is None:
                    raise
            else:
                if (wait := attempts.wait_after(response)) is None:
                    return guard_response(response, self.limits, deadline)
                response.close()
            self.policy.sleep(wait)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        transport = self._async_transport()
        deadline = Deadline(self.limits.deadline, request)
        attempts = _Attempts(self.policy, request, deadline)
        while True:
            deadline.narrow()
            try:
                response = await transport.handle_async_request(request)
            except httpx.TimeoutException as err:
                deadline.check_after(err)
                if (wait := attempts.wait_after(err)) is None:
                    raise
            except Exception as err:
                if (wait := attempts.wait_after(err)) is None:
                    raise
            else:
                if (wait := attempts.wait_after(response)) is None:
                    return guard_response(response, self.limits, deadline)
                await response.aclose()
            await self.policy.async_sleep(wait)

    def close(self) -> None:
        if self._sync is not None:
            self._sync.close()

    async def aclose(self) -> None:
        if self._async is not None:
            await self._async.aclose()
