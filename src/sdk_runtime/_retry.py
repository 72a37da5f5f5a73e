"""Retries as an httpx transport: exponential backoff with jitter, Retry-After, a budget, safe methods only."""

from __future__ import annotations

import asyncio
import copy as copy_module
import datetime
import email.utils
import logging
import random
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx

from ._errors import CallLimitError
from ._limits import CallLimits, Deadline, guard_response
from ._tls import Verify, is_tls_verification_failure, ssl_context

__all__ = ["RetryPolicy", "RetryTransport", "retry_after_seconds"]

logger = logging.getLogger("sdk_runtime.retry")
attempt_logger = logging.getLogger("sdk_runtime.http")
"""Where attempts are logged unless the client names its own logger (`mash_sdk.http`, `mycashflow_sdk.http`)."""

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
        value = response.headers.get("Retry-After", "")
        return (
            retry_after_seconds(value, datetime.datetime.fromtimestamp(self.clock(), datetime.UTC)) if value else None
        )


def retry_after_seconds(value: str, now: datetime.datetime | None = None) -> float | None:
    """Seconds to wait for a `Retry-After` value (delay-seconds or HTTP-date, RFC 9110 §10.2.3), None when it is
    neither. Shared by the SDK's retries and the contract tests' sandbox pacing."""
    text = value.strip()
    if text.isdigit() and text.isascii():
        return float(text) if len(text) <= 10 else float("inf")  # a 40-digit delay is "longer than any maximum"
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # an HTTP-date is always GMT; "-0000" parses naive: read it as UTC too
        when = when.replace(tzinfo=datetime.UTC)
    return max(0.0, (when - (now or datetime.datetime.now(datetime.UTC))).total_seconds())


class _Attempts:
    """The retry decisions for one request, shared by the sync and the async path."""

    def __init__(
        self, policy: RetryPolicy, request: httpx.Request, deadline: Deadline, log: logging.Logger | None
    ) -> None:
        self.policy = policy
        self.request = request
        self.deadline = deadline
        self.log = log  # None unless DEBUG is on for it: then no attempt is timed or logged
        self.retries = 0
        self.waited = 0.0
        self.repeatable = request.method in policy.methods

    def after_response(self, response: httpx.Response, started: float) -> float | None:
        """The wait before repeating after `response`, or None to keep it."""
        if self.log is not None:
            _log_attempt(self.log, self.request, response, started, self)
        return self.wait_after(response)

    def after_error(self, error: Exception, started: float) -> float | None:
        """The wait before repeating after `error` (sending, or reading the body), or None to raise it."""
        if self.log is not None:
            _log_attempt(self.log, self.request, error, started, self)
        if isinstance(error, CallLimitError):
            return None  # the call's own limits are final
        if isinstance(error, httpx.TimeoutException):
            self.deadline.check_after(error)
        return self.wait_after(error)

    def may_repeat(self) -> bool:
        """Whether a failure from here on could still be repeated (else the body is left to the caller to read)."""
        return self.repeatable and self.retries < self.policy.max_retries

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


# What a body read can fail with after the head came: the connection dropped or stalled half-way (httpx
# maps both to these), or a call limit (CallLimitError: never repeated, see `_Attempts.after_error`).
_BODY_ERRORS = (httpx.TransportError, CallLimitError)


def _read_at(response: httpx.Response, started: float) -> httpx.Response:
    """`response`, read whole by the transport: httpx sets `elapsed` when the stream it wraps is closed,
    which a body read here has already done, so it is set here (as httpx measures it: to the end of the body)."""
    response.elapsed = datetime.timedelta(seconds=time.perf_counter() - started)
    return response


# Headers in which servers and the proxies in front of them name a request, most specific first.
_REQUEST_ID_HEADERS = ("x-request-id", "request-id", "x-correlation-id", "x-amzn-requestid", "cf-ray")
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:/+=-]{1,128}")


def _request_id(response: httpx.Response) -> str | None:
    """The server's id for this request, when it sends one: shown only if it looks like an id (hostile input)."""
    for name in _REQUEST_ID_HEADERS:
        value = response.headers.get(name)
        if value is not None:
            return value if _REQUEST_ID.fullmatch(value) else "<not shown: unexpected characters or length>"
    return None


def _log_attempt(
    log: logging.Logger,
    request: httpx.Request,
    outcome: httpx.Response | Exception,
    started: float,
    attempts: _Attempts,
) -> None:
    """One DEBUG line per attempt. The URL loses its query (Mash's personId is an SSN); headers and bodies,
    which carry the credentials and personal data, are never read."""
    took = (time.perf_counter() - started) * 1000
    url = request.url.copy_with(query=None, fragment=None)
    attempt = attempts.retries + 1
    if isinstance(outcome, httpx.Response):
        request_id = _request_id(outcome)
        log.debug(
            "%s %s -> %d in %.1f ms (attempt %d of %d%s)",
            request.method, url, outcome.status_code, took, attempt, attempts.policy.max_retries + 1,
            f", request id {request_id}" if request_id else "",
        )  # fmt: skip
    else:
        log.debug(
            "%s %s -> %s in %.1f ms (attempt %d of %d)",
            request.method, url, type(outcome).__name__, took, attempt, attempts.policy.max_retries + 1,
        )  # fmt: skip


class _Pools:
    """The connection pools behind one client and every `with_options` copy of it, built on first use.

    Only the client that made them closes them: a copy's close leaves the shared pools open.
    """

    def __init__(self, transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None, verify: Verify) -> None:
        self.transport = transport
        # One trust setting for both of the transports built below: a client serves `with` and `async with`.
        self.verify = ssl_context(verify)
        self.sync: httpx.BaseTransport | None = transport if isinstance(transport, httpx.BaseTransport) else None
        self.async_: httpx.AsyncBaseTransport | None = (
            transport if isinstance(transport, httpx.AsyncBaseTransport) else None
        )

    def sync_transport(self) -> httpx.BaseTransport:
        if self.sync is None:
            if self.transport is not None:
                raise TypeError(f"{type(self.transport).__name__} cannot send synchronous requests")
            self.sync = httpx.HTTPTransport(verify=self.verify)
        return self.sync

    def async_transport(self) -> httpx.AsyncBaseTransport:
        if self.async_ is None:
            if self.transport is not None:
                raise TypeError(f"{type(self.transport).__name__} cannot send asynchronous requests")
            self.async_ = httpx.AsyncHTTPTransport(verify=self.verify)
        return self.async_


class RetryTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Wraps a transport (sync, async or both, like httpx.MockTransport) and repeats failed attempts.

    It also enforces `limits` (CallLimits): one deadline across every attempt, wait and the body read, and
    a cap on the decoded response body; and logs every attempt at DEBUG on `log` (method, URL without its
    query, status, duration, attempt number, the server's request id).
    """

    def __init__(
        self,
        transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None = None,
        policy: RetryPolicy | None = None,
        limits: CallLimits | None = None,
        *,
        verify: Verify = True,
        log: logging.Logger | None = None,
    ) -> None:
        self.policy = policy or RetryPolicy()
        self.limits = limits or CallLimits()
        self.log = log or attempt_logger
        self._pools = _Pools(transport, verify)
        self._owns_pools = True

    def with_options(self, *, policy: RetryPolicy | None = None, limits: CallLimits | None = None) -> RetryTransport:
        """A transport with another policy or limits over the same connection pools (which it never closes)."""
        copy = copy_module.copy(self)
        copy.policy = policy or self.policy
        copy.limits = limits or self.limits
        copy._owns_pools = False
        return copy

    def _sync_transport(self) -> httpx.BaseTransport:
        return self._pools.sync_transport()

    def _async_transport(self) -> httpx.AsyncBaseTransport:
        return self._pools.async_transport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        transport = self._sync_transport()
        deadline = Deadline(self.limits.deadline, request)
        attempts = _Attempts(self.policy, request, deadline, self.log if self.log.isEnabledFor(logging.DEBUG) else None)
        while True:
            deadline.narrow()
            started = time.perf_counter()
            try:
                response = transport.handle_request(request)
            except Exception as err:
                if (wait := attempts.after_error(err, started)) is None:
                    raise
            else:
                if (wait := attempts.after_response(response, started)) is not None:
                    response.close()
                else:
                    guarded = guard_response(response, self.limits, deadline)
                    if not attempts.may_repeat():
                        return guarded
                    try:  # read here, where a body that stops half-way can still be repeated
                        guarded.read()
                    except _BODY_ERRORS as err:
                        if (wait := attempts.after_error(err, started)) is None:
                            raise
                    else:
                        return _read_at(guarded, started)
            self.policy.sleep(wait)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        transport = self._async_transport()
        deadline = Deadline(self.limits.deadline, request)
        attempts = _Attempts(self.policy, request, deadline, self.log if self.log.isEnabledFor(logging.DEBUG) else None)
        while True:
            deadline.narrow()
            started = time.perf_counter()
            try:
                response = await transport.handle_async_request(request)
            except Exception as err:
                if (wait := attempts.after_error(err, started)) is None:
                    raise
            else:
                if (wait := attempts.after_response(response, started)) is not None:
                    await response.aclose()
                else:
                    guarded = guard_response(response, self.limits, deadline)
                    if not attempts.may_repeat():
                        return guarded
                    try:  # read here, where a body that stops half-way can still be repeated
                        await guarded.aread()
                    except _BODY_ERRORS as err:
                        if (wait := attempts.after_error(err, started)) is None:
                            raise
                    else:
                        return _read_at(guarded, started)
            await self.policy.async_sleep(wait)

    def close(self) -> None:
        if self._owns_pools and self._pools.sync is not None:
            self._pools.sync.close()

    async def aclose(self) -> None:
        if self._owns_pools and self._pools.async_ is not None:
            await self._pools.async_.aclose()
