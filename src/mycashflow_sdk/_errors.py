"""MyCashflow error responses as exceptions by HTTP status, with the `errors` element (field → messages) typed.

tests/sdk/mycashflow_sdk/test_errors.py fails if a status the spec documents has no family here.
"""

from __future__ import annotations

from typing import Any, ClassVar

import httpx

from sdk_runtime import APIError

__all__ = [
    "FAMILIES",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "MyCashflowError",
    "NotAcceptableError",
    "NotFoundError",
    "ServerError",
    "ValidationError",
    "error_for",
]


class MyCashflowError(APIError):
    """Any MyCashflow error response; raised as is for a status no family lists."""

    http_status: ClassVar[int | None] = None

    def __init__(self, message: str, *, errors: dict[str, list[str]], **response: Any) -> None:
        super().__init__(message, **response)
        self.errors = errors
        """The body's `errors` element: each field's messages (empty when the body has none)."""


class BadRequestError(MyCashflowError):
    """400: among other causes, the request was not made over HTTPS."""

    http_status = 400


class AuthenticationError(MyCashflowError):
    """401: the credentials are missing or incorrect."""

    http_status = 401


class NotFoundError(MyCashflowError):
    """404: no such resource."""

    http_status = 404


class NotAcceptableError(MyCashflowError):
    """406: the request did not accept application/json."""

    http_status = 406


class ConflictError(MyCashflowError):
    """409: the item is in a state that does not allow the action."""

    http_status = 409


class ValidationError(MyCashflowError):
    """422: the request contains errors, detailed per field in `errors`."""

    http_status = 422


class ServerError(MyCashflowError):
    """A 5xx response (after any retries)."""


FAMILIES: tuple[type[MyCashflowError], ...] = (
    BadRequestError,
    AuthenticationError,
    NotFoundError,
    NotAcceptableError,
    ConflictError,
    ValidationError,
)
_BY_STATUS = {family.http_status: family for family in FAMILIES}


def _field_errors(body: object) -> dict[str, list[str]]:
    """The `errors` element as field → messages; anything else in the body is ignored."""
    raw = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(raw, dict):
        return {}
    return {
        str(name): [str(message) for message in messages] if isinstance(messages, list) else [str(messages)]
        for name, messages in raw.items()
    }


def error_for(response: httpx.Response) -> MyCashflowError:
    """The exception for a MyCashflow error response, chosen by its status."""
    try:
        body = response.json()
    except (ValueError, RecursionError):  # not JSON, or nested deeper than the parser goes
        body = None
    errors = _field_errors(body)
    if response.status_code >= 500:
        family: type[MyCashflowError] = ServerError
    else:
        family = _BY_STATUS.get(response.status_code, MyCashflowError)
    fields = MyCashflowError.response_fields(response)
    text = f"MyCashflow HTTP {fields['status_code']} on {fields['method']} {httpx.URL(fields['url']).path}"
    if errors:
        text += ": " + "; ".join(f"{name}: {' '.join(messages)}" for name, messages in errors.items())
    return family(text, errors=errors, **fields)
