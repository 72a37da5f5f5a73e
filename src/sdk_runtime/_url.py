"""Base-URL rules shared by every API: HTTPS only (plain HTTP only to a loopback simulator, on request)."""

from __future__ import annotations

import httpx

from ._errors import ConfigurationError

__all__ = ["InsecureURLError", "check_base_url"]


class InsecureURLError(ConfigurationError):
    """A plain-HTTP base URL without `allow_insecure`: `from_env` names its own variable in the message."""

    def __init__(self, url: str, how: str = "allow_insecure=True") -> None:
        super().__init__(f"base URL {url!r} is not HTTPS; plain HTTP is only for a local simulator ({how})")
        self.url = url


_LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def check_base_url(url: str, *, allow_insecure: bool = False) -> str:
    """`url` normalised without a trailing slash; a ConfigurationError if it is not a safe base URL."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as err:
        raise ConfigurationError(f"base URL is not a valid URL: {err}") from None
    # Checked before the URL is ever echoed in a message: it may carry a password.
    if parsed.userinfo:
        raise ConfigurationError("base URL must not contain credentials: pass them as username and password")
    if parsed.scheme not in ("https", "http") or not parsed.host:
        raise ConfigurationError(f"base URL must be an absolute https:// URL, got {url!r}")
    if parsed.query or parsed.fragment:
        raise ConfigurationError(f"base URL must not have a query or a fragment, got {url!r}")
    if parsed.scheme == "http":
        if not allow_insecure:
            raise InsecureURLError(url)
        if parsed.host not in _LOOPBACK_HOSTS:
            raise ConfigurationError(f"allow_insecure permits plain HTTP only to a loopback host, not {parsed.host!r}")
    return str(parsed).rstrip("/")
