"""What a sandbox run created, and undoing it at the end: only what the run's own create answers named.

Which operation creates what, where its id is, and how it is undone is data: the `cleanup` list of each API's
contract binding in codegen/apis.yaml (specforge.bindings.CleanupRule). The Tracker reads ids out of the answers
to those operations as they pass the recording proxy; `clean` undoes them newest first through the same proxy
(so the cleanup is recorded in the cassette and spends the same budget), and says per item what happened.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import quote

import httpx

from specforge.bindings import CleanupRule
from specforge.openapi import iter_operations
from specforge.patched import load_patched
from trafficcheck.check import TrafficChecker
from trafficcheck.redact import redact_text

__all__ = ["Created", "Operations", "Outcome", "Tracker", "clean", "item_lines", "report_json", "report_lines"]

Result = Literal["cleaned", "already undone", "not cleaned"]
MAX_REASON = 200
TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Created:
    """One item a create answer named (`id` None: the answer held no id where the rule says it is)."""

    api: str
    number: int  # in the order the answers came
    rule: CleanupRule
    id: Any


@dataclass(frozen=True)
class Outcome:
    created: Created
    result: Result
    reason: str

    def line(self) -> str:
        shown = {"cleaned": "CLEANED", "already undone": "ALREADY UNDONE", "not cleaned": "NOT CLEANED"}[self.result]
        return f"{shown}: {self.created.api} {self.created.rule.create} id {self.created.id!r} — {self.reason}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "api": self.created.api,
            "created_by": self.created.rule.create,
            "id": self.created.id,
            "result": self.result,
            "reason": self.reason,
        }


def resolve_pointer(document: Any, pointer: str) -> Any:
    """The value at a JSON pointer (RFC 6901), KeyError when there is none."""
    value = document
    for raw in pointer.split("/")[1:]:
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            raise KeyError(pointer)
    return value


@dataclass
class Tracker:
    """The ids this run's create answers gave, per the API's rules; nothing else is ever cleaned."""

    api: str
    checker: TrafficChecker
    rules: tuple[CleanupRule, ...]
    created: list[Created] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _rule(self, request: httpx.Request) -> CleanupRule | None:
        operation, _, _ = self.checker.match(request.method, request.url.path)
        if operation is None:
            return None
        return next((rule for rule in self.rules if rule.create == operation.operation_id), None)

    def wants(self, request: httpx.Request) -> bool:
        return self._rule(request) is not None

    def observe(self, request: httpx.Request, status: int, body: bytes) -> None:
        """A successful answer to a create operation: remember the id it gave (or that it gave none)."""
        rule = self._rule(request)
        if rule is None or not 200 <= status < 300:
            return
        try:
            found = resolve_pointer(json.loads(body), rule.id)
        except (ValueError, KeyError, RecursionError):
            found = None
        identifier = found if isinstance(found, str | int) and not isinstance(found, bool) else None
        with self._lock:
            self.created.append(Created(self.api, len(self.created) + 1, rule, identifier))


@dataclass(frozen=True)
class Operations:
    """operationId → (METHOD, path template) of one patched spec: how an undo or a state read is sent."""

    api: str
    by_id: Mapping[str, tuple[str, str]]

    @classmethod
    def of(cls, api: str) -> Operations:
        document = load_patched(api).document
        return cls(
            api,
            {
                str(op.node["operationId"]): (op.method.upper(), op.path)
                for op in iter_operations(document)
                if op.node.get("operationId")
            },
        )

    def url(self, operation_id: str, identifier: Any) -> tuple[str, str]:
        """(METHOD, path below the base URL) with the id in the operation's one path parameter."""
        method, template = self.by_id[operation_id]
        start, end = template.index("{"), template.index("}")
        return method, template[:start] + quote(str(identifier), safe="") + template[end + 1 :]


@dataclass(frozen=True)
class Client:
    """How the cleanup reaches one API: the run's (proxied) base URL, its credentials, its operations."""

    operations: Operations
    http: httpx.Client


def clean(created: list[Created], clients: Callable[[str], Client | str]) -> list[Outcome]:
    """Undo every created item, newest first; `clients(api)` is that API's Client, or why there is none."""
    return [_undo(item, clients) for item in sorted(created, key=lambda c: (c.number, c.api), reverse=True)]


def _undo(item: Created, clients: Callable[[str], Client | str]) -> Outcome:  # noqa: PLR0911 (one return per outcome)
    rule = item.rule
    if item.id is None:
        return Outcome(item, "not cleaned", f"its answer held no id at {rule.id}")
    if rule.undo is None:
        return Outcome(item, "not cleaned", rule.reason)
    reader = clients(item.api)
    undoer = clients(rule.undo_api or item.api)
    if isinstance(undoer, str) or isinstance(reader, str):
        return Outcome(item, "not cleaned", undoer if isinstance(undoer, str) else str(reader))
    try:
        if rule.state_read is not None:
            state = _state(reader, rule, item.id)
            if isinstance(state, Outcome):
                return Outcome(item, state.result, state.reason)
        method, path = undoer.operations.url(rule.undo, item.id)
        body = None if rule.undo_body is None else json.dumps(rule.undo_body).encode()
        headers = {"Content-Type": "application/json"} if body is not None else {}
        answer = undoer.http.request(method, path, content=body, headers=headers)  # below the base URL
    except httpx.HTTPError as exc:
        return Outcome(item, "not cleaned", f"{rule.undo}: no answer ({type(exc).__name__}: {exc})"[:MAX_REASON])
    if answer.is_success:
        return Outcome(item, "cleaned", f"{rule.undo} answered {answer.status_code}")
    if answer.status_code in (404, 410):
        return Outcome(item, "already undone", f"{rule.undo} answered {answer.status_code}: gone already")
    return Outcome(item, "not cleaned", f"{rule.undo} answered {answer.status_code}: {_excerpt(answer)}")


def _state(client: Client, rule: CleanupRule, identifier: Any) -> Outcome | None:
    """None when the item may be undone now; an Outcome (result + reason) when it is gone, done or stuck."""
    assert rule.state_read is not None
    placeholder = Created(client.operations.api, 0, rule, identifier)
    method, path = client.operations.url(rule.state_read, identifier)
    answer = client.http.request(method, path)
    if answer.status_code in (404, 410):
        return Outcome(placeholder, "already undone", f"{rule.state_read} answered {answer.status_code}: gone")
    if not answer.is_success:
        return Outcome(
            placeholder, "not cleaned", f"{rule.state_read} answered {answer.status_code}: {_excerpt(answer)}"
        )
    try:
        value = resolve_pointer(answer.json(), rule.state_pointer)
    except (ValueError, KeyError, RecursionError):
        return Outcome(placeholder, "not cleaned", f"{rule.state_read}: no {rule.state_pointer} in its answer")
    shown = redact_text(str(value))[:60]
    if value in rule.done_when:
        return Outcome(placeholder, "already undone", f"{rule.state_pointer} is {shown}")
    if value not in rule.undo_when:
        source = f" ({rule.source})" if rule.source else ""
        allowed = ", ".join(rule.undo_when)
        return Outcome(
            placeholder, "not cleaned", f"{rule.state_pointer} is {shown}: {rule.undo} only when {allowed}{source}"
        )
    return None


def _excerpt(answer: httpx.Response) -> str:
    return redact_text(answer.text[:MAX_REASON]).replace("\n", " ")


def report_lines(api: str, outcomes: list[Outcome], shown_ids: int = 5) -> list[str]:
    """The printed report: counts, then one line per (operation, result, reason) with a few of its ids.

    Every item, one line each, is in cleanup.json / cleanup.txt beside the cassette.
    """
    counts = {
        result: sum(1 for o in outcomes if o.result == result)
        for result in ("cleaned", "already undone", "not cleaned")
    }
    lines = [
        f"sandbox cleanup {api}: {len(outcomes)} created, {counts['cleaned']} cleaned, "
        f"{counts['already undone']} already undone, {counts['not cleaned']} could not be cleaned"
    ]
    groups: dict[tuple[str, str, str], list[Any]] = {}
    for outcome in outcomes:
        groups.setdefault((outcome.created.rule.create, outcome.result, outcome.reason), []).append(outcome.created.id)
    for (operation, result, reason), ids in groups.items():
        more = f" and {len(ids) - shown_ids} more" if len(ids) > shown_ids else ""
        shown = ", ".join(repr(i) for i in ids[:shown_ids])
        lines.append(f"  {result.upper()}: {operation} ×{len(ids)} (id {shown}{more}) — {reason}")
    return lines


def item_lines(outcomes: list[Outcome]) -> list[str]:
    return [outcome.line() for outcome in outcomes]


def report_json(api: str, outcomes: list[Outcome]) -> dict[str, Any]:
    return {
        "api": api,
        "created": len(outcomes),
        "cleaned": sum(1 for o in outcomes if o.result == "cleaned"),
        "already_undone": sum(1 for o in outcomes if o.result == "already undone"),
        "not_cleaned": sum(1 for o in outcomes if o.result == "not cleaned"),
        "items": [outcome.as_dict() for outcome in outcomes],
    }
