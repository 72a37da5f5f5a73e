"""MyCashflow's one error body, `{"errors": {field: [messages]}}`, for every status the simulator answers with."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import jsonschema_rs

from .._serving import Failure, Reply

__all__ = ["McfError", "error_body", "render_failure", "render_invalid", "schema_messages"]

# The documented 422 example words its messages like this; the rest follow the same tone.
REQUIRED = "This field is required."


class McfError(Exception):
    """An answer other than success: its status and the documented `errors` map (field → messages)."""

    def __init__(self, status: int, errors: dict[str, list[str]]) -> None:
        super().__init__(f"{status}: {errors}")
        self.status = status
        self.errors = errors

    @classmethod
    def invalid(cls, field: str, message: str) -> McfError:
        return cls(422, {field: [message]})

    @classmethod
    def not_found(cls, field: str, message: str) -> McfError:
        return cls(404, {field: [message]})

    @classmethod
    def conflict(cls, field: str, message: str) -> McfError:
        return cls(409, {field: [message]})

    @classmethod
    def external(cls, field: str, message: str) -> McfError:
        """An external service (the payment service) failed the action: 500, T3's gloss of the status."""
        return cls(500, {field: [message]})


def error_body(errors: dict[str, list[str]]) -> dict[str, Any]:
    return {"errors": errors}


def render_error(error: McfError) -> Reply:
    return error.status, error_body(error.errors)


_FAILURES = {
    Failure.NOT_FOUND: (404, "path"),
    Failure.METHOD_NOT_ALLOWED: (405, "method"),
    Failure.UNAUTHENTICATED: (401, "authorization"),
    Failure.MALFORMED: (400, "request"),
    Failure.TOO_LARGE: (413, "request"),  # RFC 9110 §15.5.14 Content Too Large (the docs name no limit)
}


def render_failure(failure: Failure, detail: str, _body: Any) -> Reply:
    """What the serving core rejects before a handler runs (unknown operation, malformed JSON, …)."""
    status, key = _FAILURES[failure]
    return status, error_body({key: [detail[0].upper() + detail[1:] + "." if detail else failure.value]})


def render_invalid(where: str, errors: list[jsonschema_rs.ValidationError]) -> Reply:
    """Schema failures: a path parameter that can't name an item is a 404, anything else the documented 422."""
    messages = schema_messages(errors, top_level=where != "body")
    if where == "path":
        return 404, error_body({name: ["No such item: " + " ".join(texts)] for name, texts in messages.items()})
    return 422, error_body(messages)


def schema_messages(errors: Iterable[jsonschema_rs.ValidationError], top_level: bool = False) -> dict[str, list[str]]:
    """jsonschema errors as MyCashflow's map: keyed by the failing field (a dotted path into the body, or the
    parameter's name with `top_level`), one list of messages per field."""
    found: dict[str, list[str]] = {}
    for error in errors:
        path = [str(part) for part in error.instance_path]
        kind = error.kind
        if isinstance(kind, jsonschema_rs.ValidationErrorKind.Required):
            path.append(str(kind.property))
            message = REQUIRED
        elif isinstance(kind, jsonschema_rs.ValidationErrorKind.Enum):
            message = f"Unsupported value {error.instance!r}; use one of: {', '.join(map(str, kind.options))}."
        else:
            message = _sentence(error.message)
        if top_level:
            path = path[:1]
        messages = found.setdefault(".".join(path) or "body", [])
        if message not in messages:
            messages.append(message)
    return found


def _sentence(message: str) -> str:
    text = message[0].upper() + message[1:] if message else "Invalid value"
    return text if text.endswith(".") else text + "."
