"""Keep query strings out of httpx's own log lines: they carry personal data (Mash's personId is an SSN).

httpx logs every response at INFO on the `httpx` logger with the full URL (`HTTP Request: GET
https://…/personinfo?personId=… "HTTP/1.1 200 OK"`). The SDK cannot change that line, so it adds a
filter to that logger that replaces each query value with `<redacted>` (names stay, for debugging).
A logging.Filter is the standard library's hook for this; it also covers other httpx clients in the
same process, which is the point: a query with personal data should not be logged by anyone.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any

import httpx

from ._errors import ConfigurationError

__all__ = [
    "REDACTED",
    "RedactQueryFilter",
    "enable_request_logging",
    "install_log_redaction",
    "log_level_from_env",
    "redact_query_values",
]

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


_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}
_HANDLER_FORMAT = "%(asctime)s %(name)s %(levelname)s %(message)s"


def log_level_from_env(variable: str, environ: Mapping[str, str] | None = None) -> int | None:
    """The level `variable` (e.g. MASH_LOG=debug) asks for: None when unset; a ConfigurationError naming it
    and the accepted values when it is set to something else."""
    value = (os.environ if environ is None else environ).get(variable, "").strip().lower()
    if not value:
        return None
    if value not in _LEVELS:
        raise ConfigurationError(f"{variable}={value[:20]!r}: expected one of {', '.join(_LEVELS)} (or unset)")
    return _LEVELS[value]


def enable_request_logging(logger_name: str, level: int) -> logging.Logger:
    """Opt-in request logging, as openai-python's OPENAI_LOG does: the logger at `level`, with a stderr
    handler of its own only if nothing is set up to print it (no handler on it or on the root logger)."""
    logger = logging.getLogger(logger_name)
    logger.setLevel(level)
    if not logger.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(_HANDLER_FORMAT))
        logger.addHandler(handler)
    return logger
