"""Test helpers over a running simulator's control endpoints: verify what it received, add and clear faults.

    from simulators.testing import SimulatorControl

    sim = SimulatorControl("http://127.0.0.1:8080")
    sim.faults.add("op=getOrder,kind=status,status=503,times=2")
    ...  # exercise the code under test
    sim.journal.verify(operation="createOrder", body_matching={"clientOrderId": "A-1"}, times=1)

Reads like WireMock's `verify(n, postRequestedFor(...).withRequestBody(...))`; bodies are matched in the
journal's redacted form (credentials and personal data read "<redacted>").
"""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import Any

import httpx

from ._serving.journal import subset_of

__all__ = ["FaultsControl", "JournalControl", "SimulatorControl"]


class JournalControl:
    """`/_sim/requests`: the simulator's last requests, newest last."""

    def __init__(self, http: httpx.Client) -> None:
        self._http = http

    def requests(
        self,
        operation: str | None = None,
        status: int | str | None = None,
        body_matching: Mapping[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Entries by operationId, status (201, "5xx") and a request body that contains `body_matching`."""
        params = {key: str(value) for key, value in (("operation", operation), ("status", status)) if value is not None}
        response = self._http.get("/requests", params=params)
        response.raise_for_status()
        entries: list[dict[str, Any]] = response.json()["requests"]
        if body_matching is None:
            return entries
        return [entry for entry in entries if subset_of(body_matching, entry["request_body"])]

    def count(
        self,
        operation: str | None = None,
        status: int | str | None = None,
        body_matching: Mapping[str, Any] | None = None,
    ) -> int:
        return len(self.requests(operation, status, body_matching))

    def verify(
        self,
        operation: str | None = None,
        status: int | str | None = None,
        body_matching: Mapping[str, Any] | None = None,
        *,
        times: int = 1,
    ) -> list[dict[str, Any]]:
        """Assert the simulator received exactly `times` such requests; the message lists what it did receive."""
        found = self.requests(operation, status, body_matching)
        if len(found) != times:
            seen = [f"{e['method']} {e['path']} -> {e['status']} ({e['operation']})" for e in self.requests()[-20:]]
            raise AssertionError(
                f"expected {times} request(s) operation={operation} status={status} body_matching={body_matching}, "
                f"found {len(found)}; last requests received: {seen}"
            )
        return found

    def clear(self) -> None:
        self._http.delete("/requests").raise_for_status()


class FaultsControl:
    """`/_sim/faults`: the active fault rules (src/simulators/README.md, "Faults")."""

    def __init__(self, http: httpx.Client) -> None:
        self._http = http

    def add(self, *rules: str | Mapping[str, Any]) -> list[dict[str, Any]]:
        """Add rules (`"op=createOrder,kind=reset,when=after"` or the same keys as a dict); returns all rules."""
        payload = [_as_dict(rule) for rule in rules]
        response = self._http.post("/faults", json=payload)
        if response.status_code == 400:
            raise ValueError(response.json()["error"])
        response.raise_for_status()
        active: list[dict[str, Any]] = response.json()["faults"]
        return active

    def list(self) -> list[dict[str, Any]]:
        response = self._http.get("/faults")
        response.raise_for_status()
        active: list[dict[str, Any]] = response.json()["faults"]
        return active

    def clear(self) -> None:
        self._http.delete("/faults").raise_for_status()


class SimulatorControl:
    """A simulator's control endpoints (served with `--control`) at `root_url` (no API path: `http://host:port`)."""

    def __init__(self, root_url: str, *, verify: Any = True, timeout: float = 10.0, prefix: str = "/_sim") -> None:
        self._http = httpx.Client(base_url=root_url.rstrip("/") + prefix, verify=verify, timeout=timeout)
        self.journal = JournalControl(self._http)
        self.faults = FaultsControl(self._http)

    def reset(self) -> None:
        """The simulator as it started: its seeded data, clock, command-line faults; an empty journal and outbox."""
        self._http.post("/reset").raise_for_status()

    def advance(self, *, days: float = 0, seconds: float = 0) -> str:
        """Move the simulated clock forward; returns its new time (ISO 8601)."""
        response = self._http.post("/clock/advance", json={"days": days, "seconds": seconds})
        response.raise_for_status()
        now: str = response.json()["now"]
        return now

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SimulatorControl:
        return self

    def __exit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()


def _as_dict(rule: str | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(rule, str):
        pairs = (part.partition("=") for part in rule.split(",") if part.strip())
        return {key.strip(): value.strip() for key, _, value in pairs}
    return dict(rule)
