"""Mash error codes and their documented body; status and English message come from the patched spec."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .messages import localized

__all__ = ["Code", "ErrorCode", "MashError", "error_reply", "error_table"]


class Code(enum.IntEnum):
    """Names for the codes of "General > Error codes"; `error_table` proves the spec lists exactly these."""

    INVALID_API_KEYS = 10000
    UNAUTHORIZED = 10001
    BAD_REQUEST = 10002
    ORDER_EXISTS = 20001
    ORDER_NOT_FOUND = 20002
    ORDER_DENIED = 20003
    ORDER_PENDING = 20004
    ORDER_CANCELLED = 20005
    ORDER_CLOSED = 20006
    ORDER_EXPIRED = 20007
    NO_ROWS = 20008
    NEGATIVE_TOTAL = 20009
    PAYMENT_OPTION_NOT_APPLICABLE = 20010
    PAYMENT_TYPE_MISMATCH = 20011
    INVOICE_NOT_AUTHORIZED = 20012
    PAYMENT_PLAN_NOT_POSSIBLE = 20013
    REFUND_NOT_POSSIBLE = 20014
    NOT_PENDING_OR_APPROVED = 20015
    INSTALLMENT_COUNT_MISSING = 20016
    PHONE_IN_USE = 20017
    EMAIL_IN_USE = 20018
    ARTICLE_ID_NOT_UNIQUE = 20019
    SCORING_FAILED = 20020
    INSTALLMENT_COUNT_NOT_POSSIBLE = 20021
    BELOW_PLAN_MINIMUM = 20022
    ABOVE_PLAN_MAXIMUM = 20023
    WRONG_ORDER_STATUS = 20024
    NEGATIVE_CREDIT_DECISION = 20025
    CREDIT_LIMIT_NOT_SUFFICIENT = 20026


@dataclass(frozen=True)
class ErrorCode:
    code: int
    status: int
    message: str


class MashError(Exception):
    """A documented Mash error; `detail` names the field or the reason, `locale` is the customer's."""

    def __init__(self, code: Code, detail: str | None = None, locale: str | None = None) -> None:
        super().__init__(f"{int(code)}: {detail}" if detail else str(int(code)))
        self.code = code
        self.detail = detail
        self.locale = locale


def error_table(document: Mapping[str, Any]) -> dict[int, ErrorCode]:
    """`components.schemas.Error.x-error-codes` by code; refuses a spec whose list differs from `Code`."""
    entries = document["components"]["schemas"]["Error"]["x-error-codes"]
    table = {int(e["code"]): ErrorCode(int(e["code"]), int(e["status"]), str(e["message"])) for e in entries}
    if set(table) != {int(code) for code in Code}:
        raise ValueError(f"x-error-codes lists {sorted(table)}, the simulator knows {sorted(map(int, Code))}")
    return table


def error_reply(table: Mapping[int, ErrorCode], code: int, detail: str | None, locale: object) -> tuple[int, object]:
    """The documented body {errorCode, message, localizedMessage}.

    `message` is English with the detail (a field, a reason). `localizedMessage` "is translated based on the
    locale sent with the order. If translation fails, message is returned with default language." (General >
    Responses): so a translated one is the translation alone, never ending in English detail, and an
    untranslated one is `message` itself.
    """
    entry = table[code]
    message = f"{entry.message}: {detail}" if detail else entry.message
    return entry.status, {
        "errorCode": code,
        "message": message,
        "localizedMessage": localized(code, locale, message),
    }
