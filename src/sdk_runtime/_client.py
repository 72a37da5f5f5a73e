"""The base of every API's SDK client: a `ClientLike` that the generated endpoint functions accept."""

from __future__ import annotations

import copy
import logging
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Self

import httpx

from ._decoding import log_deviations, strict_error, strict_from_env
from ._env import EnvVar, read_env
from ._errors import APIError, ConfigurationError
from ._limits import DEFAULT_DEADLINE, DEFAULT_MAX_RESPONSE_BYTES, CallLimits
from ._logging import enable_request_logging, install_log_redaction, log_level_from_env
from ._retry import RetryPolicy, RetryTransport
from ._tls import Verify, ssl_context
from ._url import InsecureURLError, check_base_url

__all__ = ["DEFAULT_TIMEOUT", "BaseClient"]

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
"""Connect within 5 s; 30 s for each read, write and pool wait."""

_FLAG_TRUE = frozenset({"1", "true", "yes"})


def _refuse_trailing_slash(request: httpx.Request) -> None:
    # MyCashflow answers a trailing slash with an error, and an empty path parameter (`/stock/`) is
    # the usual way to produce one: refuse before anything is sent rather than be misrouted.
    if request.url.path.endswith("/"):
        raise ValueError(f"refusing to send {request.method} {request.url.path}: request paths never end with '/'")


async def _refuse_trailing_slash_async(request: httpx.Request) -> None:
    _refuse_trailing_slash(request)


class BaseClient:
    """Credentials, base URL, timeouts and retries for one API, usable with `with` and `async with`.

    Pass it as `client=` to any generated endpoint function: `sync`/`asyncio` return the typed success
    body and raise `error_for(response)` otherwise; `sync_detailed`/`asyncio_detailed` return the response.
    """

    raise_on_unexpected_status: bool = False
    """For `*_detailed` calls: raise errors.UnexpectedStatus on a status the spec does not list."""

    env_vars: ClassVar[tuple[EnvVar, ...]] = ()
    """The documented environment variables `from_env` reads; each subclass lists its own."""
    default_base_url: ClassVar[str | None] = None
    """The base URL when none is given; None makes `base_url` required."""
    logger_name: ClassVar[str] = "sdk_runtime.http"
    """Where every attempt is logged at DEBUG (method, URL without query, status, duration, attempt, request id)."""
    log_env_var: ClassVar[str | None] = None
    """`debug` or `info` in this variable turns request logging on (e.g. MASH_LOG=debug), read at construction."""

    def __init__(
        self,
        *,
        username: str,
        password: str,
        base_url: str | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        allow_insecure: bool = False,
        transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None = None,
        headers: Mapping[str, str] | None = None,
        verify: Verify = True,
        deadline: float | None = DEFAULT_DEADLINE,
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
        strict: bool | None = None,
    ) -> None:
        base_url = base_url or self.default_base_url
        if base_url is None:
            raise ConfigurationError(f"{type(self).__name__} needs a base_url")
        self.base_url = check_base_url(base_url, allow_insecure=allow_insecure)
        # The credentials live only inside httpx.BasicAuth: not in an attribute, a header dict or repr.
        self._auth = httpx.BasicAuth(username, password)
        self._headers = {"Accept": "application/json", **(headers or {})}
        self._timeout = timeout
        if transport is not None and verify is not True:
            raise ConfigurationError("verify= configures the client's own transport: set it on the transport you pass")
        # One deadline per call across its retries, and a cap on the decoded body (CallLimits, _limits.py).
        self._transport = RetryTransport(
            transport, retry, CallLimits(deadline, max_response_bytes), verify=verify, log=self._request_logger()
        )
        install_log_redaction()  # httpx's own INFO line would print query strings (personal data)
        self._client: httpx.Client | None = None
        self._async_client: httpx.AsyncClient | None = None
        self.strict = strict_from_env() if strict is None else strict
        """Raise a DeviationError for a 2xx body that is readable only tolerantly (contract tests)."""

    @classmethod
    def _request_logger(cls) -> logging.Logger:
        level = log_level_from_env(cls.log_env_var) if cls.log_env_var else None
        if level is not None:
            return enable_request_logging(cls.logger_name, level)
        return logging.getLogger(cls.logger_name)

    def with_options(
        self,
        *,
        timeout: httpx.Timeout | float | None = None,
        retry: RetryPolicy | None = None,
        headers: Mapping[str, str] | None = None,
        strict: bool | None = None,
    ) -> Self:
        """A light copy for one call or a few: other timeouts, retries, extra headers or strictness, the same
        credentials and the same connection pools. The shared client is not changed; closing the copy (or
        leaving its `with`) closes only the copy, never the pools, which stay the original's to close.

            client.with_options(timeout=2.0, retry=RetryPolicy.disabled()).get_httpx_client()...
            get_order.sync("123", client=mash.with_options(headers={"X-Trace": "checkout"}))
        """
        clone = copy.copy(self)
        if timeout is not None:
            clone._timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        clone._headers = {**self._headers, **(headers or {})}
        clone._transport = self._transport.with_options(policy=retry)
        clone._client = None
        clone._async_client = None
        if strict is not None:
            clone.strict = strict
        return clone

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None = None,
        deadline: float | None = DEFAULT_DEADLINE,
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> Self:
        """A client configured by the class's `env_vars` (from `os.environ` unless `environ` is given)."""
        arguments: dict[str, Any] = dict(read_env(cls.env_vars, environ))
        names = {variable.argument: variable.name for variable in cls.env_vars}
        if "allow_insecure" in arguments:
            arguments["allow_insecure"] = arguments["allow_insecure"].strip().lower() in _FLAG_TRUE
        if arguments.get("verify"):  # a CA file: checked here so that the error names the variable
            arguments["verify"] = ssl_context(arguments["verify"], source=names["verify"])
        else:
            arguments.pop("verify", None)
        try:
            return cls(
                **arguments,
                timeout=timeout,
                retry=retry,
                transport=transport,
                strict=strict_from_env(environ),
                deadline=deadline,
                max_response_bytes=max_response_bytes,
            )
        except InsecureURLError as err:
            if "allow_insecure" not in names:
                raise
            raise InsecureURLError(err.url, f"set {names['allow_insecure']}=1") from None

    def error_for(self, response: httpx.Response) -> Exception:
        """The typed exception for an error response; each API's client maps its own error bodies."""
        raise NotImplementedError

    def check_success(self, response: httpx.Response, *, fits: bool, deviations: Sequence[Any]) -> Exception | None:
        """Called by the generated functions with every decoded 2xx: log the deviations (DEBUG,
        `sdk_runtime.decode`) and return what `sync` raises instead of the body, or None: the API's error
        for a body that is not JSON or does not fit the success schema (never a raw JSONDecodeError), a
        DeviationError in strict mode, and whatever `api_error_in_success` finds."""
        log_deviations(response, deviations)
        if not fits:
            error = self.error_for(response)
            if isinstance(error, APIError):
                error.add_reason("the body is not JSON of the documented success shape")
            return error
        if deviations and self.strict:
            return strict_error(response, deviations)
        return self.api_error_in_success(response)

    def api_error_in_success(self, response: httpx.Response) -> Exception | None:
        """An API error that came with a 2xx status (none by default; Mash sends some with 200)."""
        return None

    def get_httpx_client(self) -> httpx.Client:
        """The underlying httpx.Client, built on first use."""
        if self._client is None:
            self._client = httpx.Client(
                base_url=self.base_url,
                auth=self._auth,
                headers=self._headers,
                timeout=self._timeout,
                transport=self._transport,
                event_hooks={"request": [_refuse_trailing_slash]},
            )
        return self._client

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        """The underlying httpx.AsyncClient, built on first use."""
        if self._async_client is None:
            self._async_client = httpx.AsyncClient(
                base_url=self.base_url,
                auth=self._auth,
                headers=self._headers,
                timeout=self._timeout,
                transport=self._transport,
                event_hooks={"request": [_refuse_trailing_slash_async]},
            )
        return self._async_client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    async def aclose(self) -> None:
        if self._async_client is not None:
            await self._async_client.aclose()

    def __enter__(self) -> Self:
        self.get_httpx_client()
        return self

    def __exit__(self, *args: object) -> None:
        self.close()

    async def __aenter__(self) -> Self:
        self.get_async_httpx_client()
        return self

    async def __aexit__(self, *args: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"
