"""Before any test runs: is something listening at each `CONTRACT_<API>_URL`? One line if not, not a trace per test."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

from .targets import TargetError

__all__ = ["NotListeningError", "check_listening"]

_CONNECT_TIMEOUT_S = 2.0


class NotListeningError(TargetError):
    """A URL the environment names has no server behind it: the message says how to start one."""


def check_listening(api: str, url: str) -> None:
    """Raise NotListeningError unless a TCP connection to `url`'s host and port opens within 2 s."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        socket.create_connection((parts.hostname or "", port), timeout=_CONNECT_TIMEOUT_S).close()
    except OSError:
        variable = f"CONTRACT_{api.upper()}_URL"
        raise NotListeningError(
            f"nothing listens at {variable} ({url}); start it with `nox -s serve -- {api} --port {port}`"
            f" (or unset {variable} and the suite starts the simulator itself)"
        ) from None
