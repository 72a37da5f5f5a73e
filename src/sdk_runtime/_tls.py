"""Which certificates a client trusts (`verify=`), and telling a failed verification from a transient error."""

from __future__ import annotations

import os
import ssl
from pathlib import Path

from ._errors import ConfigurationError

__all__ = ["Verify", "is_tls_verification_failure", "ssl_context"]

Verify = bool | str | os.PathLike[str] | ssl.SSLContext
"""True: the system's trust store; a path: a PEM CA file (e.g. a simulator's test CA); or a ready SSLContext."""


def ssl_context(verify: Verify, *, source: str = "verify") -> ssl.SSLContext | bool:
    """What httpx's transports take as `verify`; a CA path becomes a context (httpx 0.28 deprecates paths)."""
    if isinstance(verify, bool | ssl.SSLContext):
        return verify
    path = Path(verify)
    if not path.is_file():
        raise ConfigurationError(f"{source}: CA file {str(path)!r} does not exist")
    try:
        return ssl.create_default_context(cafile=str(path))
    except (ssl.SSLError, ValueError, OSError) as err:
        raise ConfigurationError(f"{source}: {str(path)!r} is not a PEM CA certificate: {err}") from None


def is_tls_verification_failure(error: BaseException) -> bool:
    """True if `error` (httpx.ConnectError wraps it) comes from a certificate the client does not trust.

    Such a failure repeats identically on every attempt, so a retry only delays the answer.
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, ssl.SSLCertVerificationError):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return "CERTIFICATE_VERIFY_FAILED" in str(error)
