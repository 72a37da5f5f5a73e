"""The last check before bytes leave the process for a vendor sandbox: the target's host only, GET/HEAD only when
read-only. Every refusal is recorded, raised into the test that caused it, and listed in the run's summary.

Choosing operations is not enough (a filter once let every write through), and neither is a session we hand to
schemathesis: it opens fresh `requests` sessions of its own for some probes (ignored_auth drops the session) and
follows redirects. Everything it sends goes through the standard library's `http.client` (requests → urllib3),
which raises the audit event `http.client.send` with the bytes about to be written, before TLS wraps them. An
audit hook (PEP 578, `sys.addaudithook`) reads each request head there and raises before anything is written.
The event `http.client.connect` is checked too: a connection (or a proxy tunnel) must go to the sandbox host
itself, whatever `Host` header a request carries. The hook cannot be removed once added; it does nothing while
no sandbox policy is active.
"""

from __future__ import annotations

import re
import sys
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sdk_runtime import Origin

__all__ = ["GUARD", "SAFE_METHODS", "Policy", "Refusal", "RequestRefused", "WireGuard"]

SAFE_METHODS = frozenset({"GET", "HEAD"})
_SEND, _CONNECT = "http.client.send", "http.client.connect"
_HEAD_BYTES = 16 * 1024
_REQUEST_LINE = re.compile(rb"([!#$%&'*+.^_`|~0-9A-Za-z-]{1,32}) ([^\s]{1,8192}) HTTP/1\.[01]\r\n")
_HOST = re.compile(rb"\r\nhost:[ \t]*([^\r\n]{0,300})", re.IGNORECASE)
_WRITES_HINT = "set CONTRACT_ALLOW_WRITES=1 only for a store you may write to"


class RequestRefused(RuntimeError):
    """A request the guard stopped before a byte of it was sent (deliberately not an OSError: never retried)."""


@dataclass(frozen=True)
class Policy:
    """One sandbox target: requests may go to `origin` only, and only GET/HEAD when `read_only`."""

    api: str
    origin: Origin
    read_only: bool

    def host_headers(self) -> set[str]:
        """The `Host` values (and CONNECT targets) that name this origin."""
        host = f"[{self.origin.host}]" if ":" in self.origin.host else self.origin.host
        default = {"https": 443, "http": 80}[self.origin.scheme] == self.origin.port
        return {f"{host}:{self.origin.port}", *((host,) if default else ())}


@dataclass(frozen=True)
class Refusal:
    method: str
    host: str
    path: str  # without the query: generated values and secrets stay out of reports
    reason: str

    def __str__(self) -> str:
        return f"{self.method} {self.host}{self.path}: {self.reason}"


class WireGuard:
    """Checks every request head `http.client` sends while policies are active; records what it allowed and refused."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._policies: dict[str, Policy] = {}
        self._installed = False
        self.refusals: list[Refusal] = []
        self.sent: Counter[tuple[str, str]] = Counter()  # (api, method) → requests let through

    @property
    def active(self) -> bool:
        return bool(self._policies)

    def activate(self, policies: Iterable[Policy]) -> None:
        table = {header.lower(): policy for policy in policies for header in policy.host_headers()}
        with self._lock:
            if not self._installed:
                sys.addaudithook(self._audit)
                self._installed = True
            self._policies = table
            self.refusals = []
            self.sent = Counter()

    def deactivate(self) -> None:
        with self._lock:
            self._policies = {}

    @contextmanager
    def guarding(self, policies: Iterable[Policy]) -> Iterator[WireGuard]:
        self.activate(policies)
        try:
            yield self
        finally:
            self.deactivate()

    def _audit(self, event: str, args: tuple[Any, ...]) -> None:
        if not self._policies or event not in (_SEND, _CONNECT):
            return
        if event == _CONNECT:  # (connection, host, port); through a proxy, the tunnel's end is what counts
            connection, host, port = args
            tunnel = getattr(connection, "_tunnel_host", None)
            self.check_connect(tunnel or host, getattr(connection, "_tunnel_port", None) if tunnel else port)
            return
        data = args[1] if len(args) > 1 else None
        if isinstance(data, bytes | bytearray | memoryview):
            self.check(bytes(data[:_HEAD_BYTES]))

    def check_connect(self, host: str, port: int | None) -> None:
        """Let a connection to a sandbox origin through, or record and raise a RequestRefused."""
        with self._lock:
            origins = {(p.origin.host, p.origin.port) for p in self._policies.values()}
            if (str(host).strip("[]").lower(), port) in origins:
                return
            refusal = Refusal("CONNECT", f"{host}:{port}", "", self._elsewhere())
            self.refusals.append(refusal)
        raise RequestRefused(f"refused before connecting: {refusal}")

    def _elsewhere(self) -> str:
        allowed = ", ".join(sorted({str(p.origin) for p in self._policies.values()}))
        return f"not the sandbox host ({allowed}): a sandbox run never leaves its target (a redirect?)"

    def check(self, head: bytes) -> None:
        """Let a request head through, or record and raise a RequestRefused; other bytes (bodies) pass."""
        line = _REQUEST_LINE.match(head)
        if line is None:
            return
        method = line.group(1).decode("ascii")  # case-sensitive (RFC 9110 §9.1): "get" is not GET
        target = line.group(2).decode("ascii", "replace")
        found = _HOST.search(head)
        host = target if method == "CONNECT" else (found.group(1).decode("ascii", "replace").strip() if found else "")
        path = target.split("?", 1)[0][:200]
        with self._lock:
            policy = self._policies.get(host.lower())
            if policy is None:
                reason = self._elsewhere()
            elif policy.read_only and method not in SAFE_METHODS | {"CONNECT"}:
                reason = f"{policy.api} is read-only: only GET and HEAD are sent ({_WRITES_HINT})"
            else:
                self.sent[(policy.api, method)] += 1
                return
            refusal = Refusal(method, host or "<no Host header>", path, reason)
            self.refusals.append(refusal)
        raise RequestRefused(f"refused before sending: {refusal}")

    def absorb(self, sent: Mapping[tuple[str, str], int], refusals: Iterable[Refusal]) -> None:
        """Add what another process's guard (an xdist worker's) let through and refused to this one's record."""
        with self._lock:
            self.sent.update(sent)
            self.refusals.extend(refusals)

    def summary(self) -> list[str]:
        """What the guard let through and what it refused, for the end of the run."""
        if not self._policies and not self.refusals and not self.sent:
            return []
        sent = ", ".join(f"{api} {method} ×{count}" for (api, method), count in sorted(self.sent.items())) or "none"
        lines = [f"wire guard: {len(self.refusals)} request(s) refused before sending; sent: {sent}"]
        lines.extend(f"REFUSED: {refusal}" for refusal in self.refusals)
        return lines


GUARD = WireGuard()
