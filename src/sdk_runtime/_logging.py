"""Keep query strings out of httpx's own log lines: they carry personal data (Mash's personId is an SSN).

httpx logs every response at INFO on the `httpx` logger with the full URL (`HTTP Request: GET
https://…/personinfo?personId=… "HTTP/1.1 200 OK"`). The SDK cannot change that line, so it adds a
filter to that logger that replaces each query value with `<redacted>` (names stay, for debugging).
A logging.Filter is the standard library's hook for this; it also covers other httpx clients in the
same process, which is the point: a query with personal data should not be logged by anyone.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx

__all__ = ["REDACTED", "RedactQueryFilter", "install_log_redaction", "redact_query_values"]

REDACTED = "<redacted>"


def redact_query_values(url: httpx.URL | str) -> str:
    """`url` with every query value replaced by REDACTED, and no user info or fragment."""
    parsed = url if isinstance(url, httpx.URL) else httpx.URL(url)
    bare = str(parsed.copy_with(userinfo=b"", query=None, fragment=None))
    if not parsed.query:
        return bare
    names = [name for name, _ in parsed.params.multi_items()]
    return bare + "?" + "&".join(f"{name}={REDACTED}" for name in names)


class RedactQueryFilter(logging.Filter):
    """Rewrites httpx.URL arguments (and URL-looking strings with a query) of a log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_redact(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _redact(value) for key, value in record.args.items()}
        if isinstance(record.msg, httpx.URL):
            record.msg = redact_query_values(record.msg)
        return True


def _redact(value: Any) -> Any:
    if isinstance(value, httpx.URL):
        return redact_query_values(value)
    if isinstance(value, str) and "?" in value and "://" in value:
        try:
            return redact_query_values(value)
        except httpx.InvalidURL:
            return value
    return value


def install_log_redaction(logger_name: str = "httpx") -> None:
    """Add the filter to `logger_name` once (every SDK client calls this; calling it again changes nothing)."""
    logger = logging.getLogger(logger_name)
    if not any(isinstance(existing, RedactQueryFilter) for existing in logger.filters):
        logger.addFilter(RedactQueryFilter())
