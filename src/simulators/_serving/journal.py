"""The request journal: the last N requests to the spec's operations, for `/_sim/requests` and test verification.

Recording is cheap on purpose (the journal costs at most 10 % of throughput, `nox -s bench`): an entry keeps
the raw bodies (capped) and is redacted only when read. Never kept: headers (credentials) and query values
(Mash's personId is an SSN); bodies are shown with credentials and personal data replaced by "<redacted>".
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

__all__ = [
    "DEFAULT_JOURNAL_SIZE",
    "MAX_BODY_KEPT",
    "MAX_JOURNAL_SIZE",
    "REDACTED",
    "Journal",
    "JournalEntry",
    "redact",
    "subset_of",
]

DEFAULT_JOURNAL_SIZE = 100
"""Entries kept unless --journal-size says otherwise. Each kept entry costs the server a little on every request
(memory it must walk past: `nox -s bench`, GET order after the store has filled, measured as server CPU per
request: 100 entries +2 µs of ~39 µs, 1,000 entries +9 µs, an 18 % loss), so the default keeps what a test or
the console looks at and stays inside the 10 % budget; raise it for longer verifications."""
MAX_JOURNAL_SIZE = 100_000
MAX_BODY_KEPT = 16 * 1024
"""Bytes of each body kept: with N entries, the journal holds at most ~2 × N × 16 KiB."""
REDACTED = "<redacted>"
_CUT = b"<cut>"  # stands for a body over MAX_BODY_KEPT (compared by identity)

# Keys (lower case, without "_" and "-") whose values are credentials or personal data wherever they appear.
_SECRET_KEYS = frozenset(
    {"password", "apikey", "apitoken", "token", "secret", "authorization", "personid", "ssn", "hetu",
     "socialsecuritynumber", "email", "phone", "mobile", "firstname", "lastname", "birthdate", "iban",
     "streetaddress", "address", "postalcode", "zipcode", "accesstoken", "refreshtoken", "signature"}
)  # fmt: skip
# Objects that describe a person: every string inside them is redacted, except these harmless keys.
_PERSON_CONTAINERS = ("customer", "person", "billing", "shipping", "recipient", "contact", "buyer")
_PERSON_KEEP = frozenset({"locale", "country", "type", "id", "language", "countrycode", "group", "customergroup"})


def _norm(key: str) -> str:
    return key.lower().replace("_", "").replace("-", "")


def redact(value: Any, inside_person: bool = False, depth: int = 0) -> Any:
    """A copy of a parsed JSON value with credentials and personal data replaced by "<redacted>"."""
    if depth > 64:
        return REDACTED
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            norm = _norm(str(key))
            if norm in _SECRET_KEYS and item is not None:
                out[key] = REDACTED
            elif inside_person and norm in _PERSON_KEEP and not isinstance(item, dict | list):
                out[key] = item
            else:
                person = inside_person or any(norm.startswith(c) for c in _PERSON_CONTAINERS)
                out[key] = redact(item, person, depth + 1)
        return out
    if isinstance(value, list):
        return [redact(item, inside_person, depth + 1) for item in value]
    if inside_person and isinstance(value, str):
        return REDACTED
    return value


def _shown(raw: bytes | None, truncated: bool) -> Any:
    if not raw:
        return None
    if truncated:
        return f"<{MAX_BODY_KEPT}+ bytes, not kept>"
    try:
        return redact(orjson.loads(raw))
    except orjson.JSONDecodeError:
        return f"<{len(raw)} bytes, not JSON>"


@dataclass(slots=True)
class JournalEntry:
    """One request as recorded (raw, capped bodies); `to_json` is the redacted view."""

    seq: int
    at: float  # wall-clock seconds
    operation: str | None
    method: str
    path: str
    status: int | None  # None: no answer was sent (a reset or a hang fault)
    duration_ms: float
    request: bytes | None
    response: bytes | None
    fault: str | None
    request_truncated: bool = False
    response_truncated: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "time": datetime.fromtimestamp(self.at, tz=UTC).isoformat(),
            "operation": self.operation,
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "duration_ms": round(self.duration_ms, 3),
            "fault": self.fault,
            "request_body": _shown(self.request, self.request_truncated),
            "response_body": _shown(self.response, self.response_truncated),
        }


class Journal:
    """A ring of the last `size` entries (0: recording off). Single event loop: no lock needed to append."""

    def __init__(self, size: int = DEFAULT_JOURNAL_SIZE) -> None:
        if not 0 <= size <= MAX_JOURNAL_SIZE:
            raise ValueError(f"journal size must be from 0 to {MAX_JOURNAL_SIZE}, got {size}")
        self.size = size
        self._entries: deque[tuple[Any, ...]] = deque(maxlen=size or 1)
        self._seq = 0
        # Wall-clock time of an entry = its perf_counter reading + this offset: one clock read per request.
        self._wall_offset = time.time() - time.perf_counter()

    @property
    def enabled(self) -> bool:
        return self.size > 0

    def record(  # noqa: PLR0917  # positional on purpose: called once per request on the hot path
        self,
        operation: str | None,
        method: str,
        path: str,
        status: int | None,
        started: float,
        request: bytes | None,
        response: bytes | None,
        fault: str | None = None,
    ) -> None:
        """Append one entry; `started` is `time.perf_counter()` at the request's start.

        A plain tuple is kept (made into a JournalEntry only when read): recording stays within the 10 % budget.
        """
        self._seq += 1
        if request is not None and len(request) > MAX_BODY_KEPT:
            request = _CUT
        if response is not None and len(response) > MAX_BODY_KEPT:
            response = _CUT
        self._entries.append(
            (self._seq, time.perf_counter(), operation, method, path, status, started, request, response, fault)
        )

    def clear(self) -> None:
        self._entries.clear()

    def __iter__(self) -> Iterator[JournalEntry]:
        offset = self._wall_offset
        for seq, ended, operation, method, path, status, started, request, response, fault in list(self._entries):
            yield JournalEntry(
                seq, ended + offset, operation, method, path, status, (ended - started) * 1000,
                None if request is _CUT else request, None if response is _CUT else response, fault,
                request is _CUT, response is _CUT,
            )  # fmt: skip

    def __len__(self) -> int:
        return len(self._entries)

    def find(
        self,
        operation: str | None = None,
        status: int | str | None = None,
        body_matching: Mapping[str, Any] | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Entries (redacted, newest last) by operationId, status (e.g. 201 or "5xx") and request-body subset."""
        found = []
        for entry in self:
            if operation is not None and entry.operation != operation:
                continue
            if status is not None and not _status_matches(entry.status, status):
                continue
            shown = entry.to_json()
            if body_matching is not None and not subset_of(body_matching, shown["request_body"]):
                continue
            found.append(shown)
        return found if limit is None else found[-limit:] if limit else []


def _status_matches(actual: int | None, wanted: int | str) -> bool:
    text = str(wanted).lower()
    if actual is None:
        return text in ("none", "null", "-")
    if len(text) == 3 and text.endswith("xx") and text[0].isdigit():
        return actual // 100 == int(text[0])
    return text.isdigit() and actual == int(text)


def subset_of(expected: Any, actual: Any) -> bool:
    """True if every key of `expected` is in `actual` with a matching value (recursively; lists element-wise)."""
    if isinstance(expected, Mapping):
        return isinstance(actual, Mapping) and all(
            key in actual and subset_of(value, actual[key]) for key, value in expected.items()
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(expected) == len(actual)
            and all(subset_of(e, a) for e, a in zip(expected, actual, strict=True))
        )
    return bool(expected == actual)
