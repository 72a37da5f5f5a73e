"""Where a URL really goes: the one strict parser for every URL the project accepts as a place to send requests.

SDK base URLs (`sdk_runtime`), contract-test targets and spec downloads (`specforge fetch`) all go through
`parse_origin`, so every guard (HTTPS only, loopback only, "not production", same-host redirects) judges the host
the HTTP library will connect to, never a look-alike spelling of it. It is its own package, below both the tooling
and the client layer, because neither may import the other (ARCHITECTURE.md).
Only one spelling of a host is accepted: lowercase or not, ASCII letters, digits, '-' and '.', no trailing dot,
an IPv4 address as four plain decimals, an IPv6 address in its compressed form. Everything a parser could
read two ways is refused: userinfo (`a@b`), backslashes (WHATWG parsers read `\\` as `/`, RFC 3986 ones do
not), percent-encoding, whitespace and control characters, non-ASCII (IDNA maps full-width letters and dots,
U+FF0E, and ideographic full stops, U+3002 and U+FF61, onto ASCII), a trailing dot, IPv4 in inet_aton's other
notations (`0x7f.1`, `2130706433`, `0177.0.0.1`: glibc connects to 127.0.0.1), IPv6 zone ids. The result is
cross-checked with httpx's parser (the SDK's and fetch's) and, for contract targets, with requests' (schemathesis').
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

import httpx
import idna  # httpx's own dependency: its IDNA 2008 + UTS 46 mapping

__all__ = ["DNS_LABEL", "Origin", "URLRefused", "is_dns_label", "parse_origin", "redact_url"]

_DEFAULT_PORTS = {"https": 443, "http": 80}
_MAX_URL = 2048
DNS_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", re.IGNORECASE | re.ASCII)
"""One DNS label (RFC 1035 letters, digits and inner hyphens, 1 to 63 characters); e.g. a MyCashflow store name.
ASCII only: under IGNORECASE alone, `[a-z]` also matches the Kelvin sign (U+212A) and the long s (U+017F)."""
_NUMERIC_LABEL = re.compile(r"(?:0x[0-9a-f]*|[0-9]+)")  # WHATWG: a host whose last label is this is IPv4
_DOTTED_QUAD = re.compile(r"(?:0|[1-9][0-9]{0,2})(?:\.(?:0|[1-9][0-9]{0,2})){3}")
_PORT = re.compile(r"[1-9][0-9]{0,4}")
_BRACKETED = re.compile(r"\[([0-9a-fA-F:.]+)\](?::(.*))?")
_LOOPBACK_NAMES = frozenset({"localhost"})


class URLRefused(ValueError):
    """A URL that is malformed or could be read two ways; the message never repeats its query or userinfo."""

    def __init__(self, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason or message  # why, without the URL: for callers that name the URL themselves


def is_dns_label(name: str) -> bool:
    """`name` is one DNS label, so it can stand as the first label of a host without changing which host it is."""
    return DNS_LABEL.fullmatch(name) is not None


@dataclass(frozen=True)
class Origin:
    """Scheme, canonical host and port of a URL that `parse_origin` accepted."""

    scheme: str
    host: str  # lowercase; an IPv6 address without brackets
    port: int

    @property
    def ip(self) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
        """The address when the host is an IP literal."""
        try:
            return ipaddress.ip_address(self.host)
        except ValueError:
            return None

    @property
    def is_loopback(self) -> bool:
        """`localhost`, 127.0.0.0/8 or ::1: requests that never leave the machine."""
        ip = self.ip
        return self.host in _LOOPBACK_NAMES if ip is None else ip.is_loopback

    def within(self, domain: str) -> bool:
        """The host is `domain` or a name under it."""
        return self.host == domain or self.host.endswith("." + domain)

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        port = "" if _DEFAULT_PORTS.get(self.scheme) == self.port else f":{self.port}"
        return f"{self.scheme}://{host}{port}"


def redact_url(url: object) -> str:
    """`url` as it may appear in a message: scheme, host, port and path only (never userinfo, query, fragment)."""
    if not isinstance(url, str):
        return f"<a {type(url).__name__}, not a URL>"
    try:
        parts = urlsplit(url[:_MAX_URL])
    except ValueError:
        return "<an unparseable URL>"
    _, at, hostport = parts.netloc.rpartition("@")
    hostport = ("***@" if at else "") + hostport
    shown = f"{parts.scheme}://{hostport}{parts.path}" if parts.scheme or hostport else parts.path
    return repr(shown if len(shown) <= 200 else shown[:200] + "…")


def _refuse(url: str, why: str) -> URLRefused:
    return URLRefused(f"URL {redact_url(url)} is refused: {why}", why)


def _idna_hint(url: str) -> str:
    # Only to name what a non-ASCII host would become; the URL is refused whatever the host maps to.
    try:
        host = urlsplit(url).netloc.rpartition("@")[2].rpartition(":")[0] or urlsplit(url).netloc.rpartition("@")[2]
        if host.isascii():
            return ""
        mapped = idna.encode(host, uts46=True).decode("ascii")
    except (UnicodeError, ValueError, idna.IDNAError):
        return ""
    return f" (IDNA reads the host as {mapped!r})"


def _check_characters(url: str) -> None:
    if len(url) > _MAX_URL:
        raise URLRefused(f"URL is longer than {_MAX_URL} characters")
    for char in url:
        if char == "\\":
            raise _refuse(url, "it contains a backslash (some parsers read it as '/', others as part of the host)")
        if ord(char) <= 0x20 or ord(char) == 0x7F:
            raise _refuse(url, "it contains whitespace or a control character")
        if ord(char) > 0x7E:
            raise _refuse(url, f"it contains non-ASCII characters; write the host in ASCII (punycode){_idna_hint(url)}")


def _host_and_port(url: str, parts: SplitResult) -> tuple[str, str | None]:
    netloc = parts.netloc
    if "@" in netloc:
        raise _refuse(url, "credentials in the URL are refused (userinfo, '@' in the host part): pass them separately")
    if "%" in netloc:
        raise _refuse(url, "its host part is percent-encoded (or an IPv6 zone id): write the host plainly")
    if netloc.startswith("["):
        found = _BRACKETED.fullmatch(netloc)
        if found is None:
            raise _refuse(url, "malformed IPv6 literal")
        return found.group(1), found.group(2)
    host, colon, port = netloc.partition(":")
    if ":" in port:
        raise _refuse(url, "more than one ':' in the host part")
    return host, port if colon else None


def _canonical_host(url: str, raw: str) -> str:
    if ":" in raw:  # from brackets: IPv6
        try:
            address = ipaddress.IPv6Address(raw)
        except ValueError:
            raise _refuse(url, "malformed IPv6 literal") from None
        if raw.lower() != address.compressed:
            raise _refuse(url, f"write the IPv6 address in its compressed form [{address.compressed}]")
        return address.compressed
    host = raw.lower()
    if not host:
        raise _refuse(url, "it has no host")
    if host.endswith("."):
        raise _refuse(url, f"its host ends with a dot: write {host.rstrip('.')!r}")
    labels = host.split(".")
    if _NUMERIC_LABEL.fullmatch(labels[-1]):
        if not _DOTTED_QUAD.fullmatch(host) or any(int(octet) > 255 for octet in labels):
            raise _refuse(url, "an IPv4 address in a non-standard notation (hex, octal, fewer than four parts)")
        return host
    if len(host) > 253 or not all(DNS_LABEL.fullmatch(label) for label in labels):
        raise _refuse(url, "its host is not a DNS name (letters, digits, '-' between them, labels joined by '.')")
    return host


def parse_origin(url: str) -> Origin:
    """The origin `url` sends requests to; a URLRefused (never echoing query or userinfo) if ambiguous."""
    if not isinstance(url, str):
        raise URLRefused(f"a URL must be a string, got {type(url).__name__}")
    _check_characters(url)
    try:
        parts = urlsplit(url)
    except ValueError as err:
        raise _refuse(url, f"it does not parse ({err})") from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not url[len(scheme) :].startswith("://"):
        raise _refuse(url, "expected an absolute https:// URL (or http:// to a loopback simulator)")
    raw_host, raw_port = _host_and_port(url, parts)
    host = _canonical_host(url, raw_host)
    if raw_port is None or raw_port == "":
        if raw_port == "":
            raise _refuse(url, "an empty port")
        port = _DEFAULT_PORTS[scheme]
    elif not _PORT.fullmatch(raw_port) or int(raw_port) > 65535:
        raise _refuse(url, "the port must be a number from 1 to 65535 without leading zeros")
    else:
        port = int(raw_port)
    origin = Origin(scheme, host, port)
    _agree_with_httpx(url, origin)
    return origin


def _agree_with_httpx(url: str, origin: Origin) -> None:
    # The SDK connects through httpx: whatever it would connect to must be what was judged here.
    try:
        seen = httpx.URL(url)
    except httpx.InvalidURL:
        raise _refuse(url, "httpx cannot parse it") from None
    port = seen.port or _DEFAULT_PORTS.get(seen.scheme)
    if (seen.scheme, seen.host.rstrip("."), port) != (origin.scheme, origin.host, origin.port):
        raise _refuse(url, "parsers disagree on where it goes")
