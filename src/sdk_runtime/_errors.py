"""The root of every SDK's error hierarchy, and the error for a client that cannot be built."""

from __future__ import annotations

from typing import Any

import httpx

__all__ = ["APIError", "CallLimitError", "ConfigurationError", "DeadlineExceeded", "ResponseTooLarge"]

_BODY_LIMIT = 2000


class ConfigurationError(ValueError):
    """A client cannot be built: a missing environment variable, an insecure or malformed base URL."""


class APIError(Exception):
    """An error response. It keeps the status, the method, the URL without its query and the response body,
    never the request's headers, so logging or printing it cannot leak the credentials."""

    def __init__(self, message: str, *, status_code: int, method: str, url: str, body: str, headers: httpx.Headers):
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.method = method
        self.url = url
        self.body = body
        self.headers = headers

    @staticmethod
    def response_fields(response: httpx.Response) -> dict[str, Any]:
        """The keyword arguments that describe `response`: what every subclass passes on to `__init__`."""
        request = response.request
        return {
            "status_code": response.status_code,
            "method": request.method,
            # The query can carry personal data (Mash's personId is an SSN); the path is enough to debug.
            "url": str(request.url.copy_with(query=None, fragment=None)),
            "body": response.text[:_BODY_LIMIT],
            "headers": httpx.Headers(response.headers),
        }

    def add_reason(self, reason: str) -> None:
        """Append why the response is an error to the message (e.g. a 200 whose body is not JSON)."""
        self.message = f"{self.message}: {reason}"
        self.args = (self.message,)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, status_code={self.status_code})"


class CallLimitError(Exception):
    """A call stopped by the client's own limits (`deadline=`, `max_response_bytes=`), never by the server.
    Messages name the method and the URL without its query; such a call is not retried."""


class DeadlineExceeded(CallLimitError, httpx.TimeoutException):
    """The call as a whole (connecting, retries and their waits, the body) took longer than `deadline=`.
    An httpx.TimeoutException too, so code that handles timeouts handles this one."""


class ResponseTooLarge(CallLimitError, httpx.TransportError):
    """The response body (decoded) is larger than `max_response_bytes=`; reading stopped at the cap."""
