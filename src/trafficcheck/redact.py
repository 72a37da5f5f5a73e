"""Secrets and personal data out of cassettes: headers, query values and JSON bodies, before anything is written.

Placeholders keep each value's shape (an e-mail stays an e-mail, a phone number a phone number), so a
redacted cassette still validates and can be replayed against a simulator; what they replaced is gone.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["REDACTED", "redact_body", "redact_headers", "redact_query", "redact_text"]

REDACTED = "<redacted>"
# Header names whose value is a credential, or part of one.
_SECRET_HEADER = re.compile(r"authorization|cookie|api[-_]?key|token|secret|password|signature", re.IGNORECASE)
# Header names are the vendor's own (X-Partner-Key, X-Shop-Auth…): any key, auth, session or credential in a
# header's name hides its value. Body keys keep the narrower rule, so `keywords` or `sortKey` stay readable.
_SECRET_HEADER_NAME = re.compile(_SECRET_HEADER.pattern + r"|key|auth|session|credential", re.IGNORECASE)
# Body and query keys that hold personal data in either API (Mash customer/person, MyCashflow customer/address).
_PERSONAL_KEY = re.compile(
    r"^(person_?id|ssn|social_?security(_?number)?|hetu|personnummer|e_?mail|mobile|phone(_?number)?|"
    r"(first|last|full|company)_?name|name|address|street(_?address)?|ip_?address|birth_?date|password|api_?key)$",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# International (+358 40 1234567) or Finnish domestic with a separator (040 123 4567, 09-1234567): a bare run
# of digits is left alone, it is far more often an id (clientOrderId "23423423423") than a phone number.
_PHONE = re.compile(r"\+\d[\d ()-]{6,}\d|\b0\d{1,3}[ -]\d{3,4}[ -]?\d{2,4}\b")
# A Finnish henkilötunnus (DDMMYY, century sign, individual number, check character) or a Swedish personnummer.
_SSN = re.compile(r"\b\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]\b|\b(19|20)?\d{6}[-+]?\d{4}\b")
_MAYBE_PERSONAL = re.compile(r"[@\d]")
# What each kind of personal value becomes: the same shape, no information.
_PLACEHOLDERS = {
    "email": "redacted@example.invalid",
    "phone": "+358000000000",
    "ssn": "010101-0101",  # a formally valid henkilötunnus (check character 0101 mod 31 → "1")
}
MAX_DEPTH = 64


def redact_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Header name → value (lower-case names, repeated headers joined), credentials replaced."""
    result: dict[str, str] = {}
    for name, value in headers:
        key = name.lower()
        shown = REDACTED if _SECRET_HEADER_NAME.search(key) else redact_text(value)
        result[key] = f"{result[key]}, {shown}" if key in result else shown
    return result


def redact_query(items: Iterable[tuple[str, str]]) -> list[list[str]]:
    """Query pairs in order; a personal or secret parameter's value replaced, free text scrubbed."""
    return [[name, _placeholder(name, value) if _is_personal(name) else redact_text(value)] for name, value in items]


def redact_body(value: Any, depth: int = 0) -> Any:
    """A decoded JSON body with personal fields replaced by placeholders of the same type, recursively."""
    if depth > MAX_DEPTH:
        return REDACTED
    kind = type(value)  # decoded JSON holds exactly these types: checked first, before the slower ABC checks
    if kind is int or kind is float or kind is bool or value is None:
        return value
    if kind is not str and isinstance(value, Mapping):
        return {
            key: _placeholder(str(key), item) if _is_personal(str(key)) else redact_body(item, depth + 1)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [redact_body(item, depth + 1) for item in value]
    if isinstance(value, str):
        return redact_text(value)
    return value


def redact_text(text: str) -> str:
    """E-mail addresses, Finnish/Swedish personal identity codes and phone numbers inside free text."""
    if not _MAYBE_PERSONAL.search(text):  # each pattern needs an "@" or a digit: most strings have neither
        return text
    text = _EMAIL.sub(_PLACEHOLDERS["email"], text)
    text = _SSN.sub(_PLACEHOLDERS["ssn"], text)
    return _PHONE.sub(_PLACEHOLDERS["phone"], text)


@functools.lru_cache(maxsize=4096)  # the same few hundred keys come back in every body; bounded for hostile ones
def _is_personal(key: str) -> bool:
    return bool(_PERSONAL_KEY.match(key) or _SECRET_HEADER.search(key))


def _placeholder(key: str, value: Any) -> Any:
    if not isinstance(value, str):
        return _emptied(value)
    lowered = key.lower()
    if "mail" in lowered:
        return _PLACEHOLDERS["email"]
    if "phone" in lowered or "mobile" in lowered:
        return _PLACEHOLDERS["phone"]
    if "person" in lowered or "ssn" in lowered or "social" in lowered or "hetu" in lowered:
        return _PLACEHOLDERS["ssn"]
    if "ip" in lowered:
        return "192.0.2.1"  # TEST-NET-1 (RFC 5737)
    return REDACTED


def _emptied(value: Any) -> Any:
    """A number or a nested object under a personal key: its type stays, its content goes."""
    if isinstance(value, Mapping):
        return {name: REDACTED for name in value}
    if isinstance(value, list):
        return [REDACTED for _ in value]
    return value if value is None or isinstance(value, bool) else 0
