"""Mash's `{errorCode, message, localizedMessage}` error bodies as an exception hierarchy by family.

The codes come from the v1.2 "Error codes" table (`x-error-codes` of the Error schema in
generated/mash/openapi.yaml); tests/sdk/mash_sdk/test_errors.py fails if a documented code has no family
or a family names a code, or an HTTP status, that the spec does not.
"""

from __future__ import annotations

from typing import Any, ClassVar

import httpx

from sdk_runtime import APIError

__all__ = [
    "FAMILIES",
    "AuthenticationError",
    "BadRequestError",
    "CreditDecisionError",
    "DuplicateOrderError",
    "InvalidOrderError",
    "MashError",
    "MerchantRegistrationError",
    "OrderNotFoundError",
    "OrderStateError",
    "PaymentPlanError",
    "PermissionDeniedError",
    "ServerError",
    "error_for",
]


class MashError(APIError):
    """Any Mash error response; raised as is for a code no family lists."""

    codes: ClassVar[frozenset[int]] = frozenset()
    """The documented error codes of this family."""
    http_status: ClassVar[int | None] = None
    """The HTTP status the docs give this family's codes."""

    def __init__(self, message: str, *, code: int | None, localized_message: str | None, **response: Any) -> None:
        super().__init__(message, **response)
        self.code = code
        self.localized_message = localized_message


class AuthenticationError(MashError):
    """Invalid API keys."""

    codes = frozenset({10000})
    http_status = 401


class PermissionDeniedError(MashError):
    """The credentials may not make this request."""

    codes = frozenset({10001})
    http_status = 403


class BadRequestError(MashError):
    """The request is malformed."""

    codes = frozenset({10002})
    http_status = 400


class DuplicateOrderError(MashError):
    """An order with this client order id already exists."""

    codes = frozenset({20001})
    http_status = 400


class OrderNotFoundError(MashError):
    """No such order."""

    codes = frozenset({20002})
    http_status = 400


class OrderStateError(MashError):
    """The order's status does not allow the operation (denied, pending, cancelled, closed, expired...)."""

    codes = frozenset({20003, 20004, 20005, 20006, 20007, 20014, 20015, 20024})
    http_status = 400


class InvalidOrderError(MashError):
    """The order's content is rejected: no rows, a negative total, a repeated articleId."""

    codes = frozenset({20008, 20009, 20019})
    http_status = 400


class PaymentPlanError(MashError):
    """Pricing or payment plan: the option, plan, instalment count or amount is not possible."""

    codes = frozenset({20010, 20011, 20013, 20016, 20021, 20022, 20023})
    http_status = 400


class CreditDecisionError(MashError):
    """The credit check did not approve the order (or could not be made)."""

    codes = frozenset({20012, 20020, 20025, 20026})
    http_status = 400


class MerchantRegistrationError(MashError):
    """The merchant's phone number or email is already in use."""

    codes = frozenset({20017, 20018})
    http_status = 400


class ServerError(MashError):
    """A 5xx response without a Mash error code (after any retries)."""


FAMILIES: tuple[type[MashError], ...] = (
    AuthenticationError,
    PermissionDeniedError,
    BadRequestError,
    DuplicateOrderError,
    OrderNotFoundError,
    OrderStateError,
    InvalidOrderError,
    PaymentPlanError,
    CreditDecisionError,
    MerchantRegistrationError,
)
_BY_CODE = {code: family for family in FAMILIES for code in family.codes}
_BY_STATUS: dict[int, type[MashError]] = {401: AuthenticationError, 403: PermissionDeniedError}


def error_for(response: httpx.Response) -> MashError:
    """The exception for a Mash error response: by error code, else by HTTP status, else MashError."""
    try:
        body = response.json()
    except (ValueError, RecursionError):  # not JSON, or nested deeper than the parser goes
        body = None
    body = body if isinstance(body, dict) else {}
    raw_code = body.get("errorCode")
    code = raw_code if isinstance(raw_code, int) and not isinstance(raw_code, bool) else None
    message = body.get("message") if isinstance(body.get("message"), str) else None
    localized = body.get("localizedMessage") if isinstance(body.get("localizedMessage"), str) else None
    if code is not None:
        family = _BY_CODE.get(code, MashError)
    elif response.status_code >= 500:
        family = ServerError
    else:
        family = _BY_STATUS.get(response.status_code, MashError)
    fields = MashError.response_fields(response)
    label = f"Mash error {code}" if code is not None else "Mash error"
    text = f"{label} (HTTP {fields['status_code']}) on {fields['method']} {httpx.URL(fields['url']).path}"
    if message:
        text += f": {message}"
    return family(text, code=code, localized_message=localized, **fields)
