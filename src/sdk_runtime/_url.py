"""The SDK's view of the project's one strict URL parser (`strict_url`): its refusals are ConfigurationErrors."""

from __future__ import annotations

import httpx

import strict_url
from strict_url import Origin, redact_url

from ._errors import ConfigurationError

__all__ = ["InsecureURLError", "Origin", "check_base_url", "parse_origin", "redact_url"]


class InsecureURLError(ConfigurationError):
    """A plain-HTTP base URL without `allow_insecure`: `from_env` names its own variable in the message."""

    def __init__(self, url: str, how: str = "allow_insecure=True") -> None:
        super().__init__(f"base URL {redact_url(url)} is not HTTPS; plain HTTP is only for a local simulator ({how})")
        self.url = url


def parse_origin(url: str) -> Origin:
    """The origin `url` sends requests to (`strict_url.parse_origin`); a ConfigurationError if it is refused."""
    try:
        return strict_url.parse_origin(url)
    except strict_url.URLRefused as err:
        raise ConfigurationError(str(err)) from None


def check_base_url(url: str, *, allow_insecure: bool = False) -> str:
    """`url` normalised without a trailing slash; a ConfigurationError if it is not a safe base URL."""
    origin = parse_origin(url)
    parsed = httpx.URL(url)
    if parsed.query or parsed.fragment or "?" in url or "#" in url:
        raise ConfigurationError(f"base URL must not have a query or a fragment, got {redact_url(url)}")
    if origin.scheme == "http":
        if not allow_insecure:
            raise InsecureURLError(url)
        if not origin.is_loopback:
            raise ConfigurationError(f"allow_insecure permits plain HTTP only to a loopback host, not {origin.host!r}")
    return str(parsed).rstrip("/")
