"""What an operation documents about headers, and how an exchange's headers differ from it.

Three checks, both directions: the body's media type against the documented `content` (request body and
response), documented header parameters and response headers present when required, and their values
against their schemas (compiled once, with jsonschema-rs like every other schema here).

OpenAPI 3.1 §4.8.12.1: a header parameter named Accept, Content-Type or Authorization is ignored (the
media types and the security scheme say those); §4.8.17.1: so is a response header named Content-Type.
Undocumented response headers are not reported: every server adds its own (Date, Server, …).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import jsonschema_rs

from simulators._serving.validation import compile_schema, scalar_coercion
from specforge.jsonpointer import pointer
from specforge.openapi import resolve

from .redact import redact_headers

__all__ = [
    "Finding",
    "HeaderSet",
    "content_type_finding",
    "header_findings",
    "lower_headers",
    "media_type",
    "request_header_set",
    "response_header_set",
]

_IGNORED_PARAMETERS = frozenset({"accept", "content-type", "authorization"})
_IGNORED_RESPONSE_HEADERS = frozenset({"content-type"})
MAX_SHOWN = 80  # characters of an observed header value in a report (after redaction)


@dataclass(frozen=True, slots=True)
class Finding:
    """One way headers differ from the spec (check.py makes it a Deviation of its side)."""

    kind: str  # content-type, missing-header, header
    name: str  # the header (lower case)
    documented: str
    observed: str
    schema_pointer: str  # the Content map, Parameter or Header Object in the patched spec
    value: str | None = None  # content-type: the observed media type (what a drafted overlay adds)


@dataclass(frozen=True, slots=True)
class _Header:
    required: bool
    pointer: str  # the Parameter or Header Object in the patched spec (what a drafted overlay targets)
    coerce: Callable[[str], object]
    shown: str  # the documented schema, compact, for reports


@dataclass(frozen=True, slots=True)
class HeaderSet:
    """Documented headers of one side of an operation (lower-case names), their values' validator."""

    headers: Mapping[str, _Header]
    validator: jsonschema_rs.Validator


def media_type(value: str | None) -> str | None:
    """`Application/JSON; charset=utf-8` → `application/json`; None for no value."""
    if value is None:
        return None
    return value.split(";", 1)[0].strip().lower() or None


def _matches(observed: str, documented: Iterable[str]) -> bool:
    for entry in documented:
        expected = media_type(entry) or ""
        kind, _, sub = expected.partition("/")
        if expected in {observed, "*/*"} or (sub == "*" and observed.startswith(kind + "/")):
            return True
    return False


def content_type_finding(
    content: Mapping[str, Any] | None, content_pointer: str, headers: Mapping[str, str], body: bytes
) -> Finding | None:
    """A body whose media type is not one the spec documents for it (the Content-Type header against `content`).

    `content`: the documented Content map (None or empty: no body documented); `headers`: lower-case names.
    Judged only when there is a body or a declared type: an empty answer is the body checks' business.
    """
    observed = media_type(headers.get("content-type"))
    if observed is None and not body:
        return None
    if not content:
        if not body:
            return None
        shown = observed or f"{len(body)} bytes, no Content-Type"
        return Finding("content-type", "content-type", "no body", shown, content_pointer, observed)
    if observed is not None and _matches(observed, content):
        return None
    documented = ", ".join(sorted(content))
    return Finding("content-type", "content-type", documented, observed or "no Content-Type", content_pointer, observed)


def _header_schema(node: Mapping[str, Any]) -> Mapping[str, Any]:
    schema = node.get("schema")
    if isinstance(schema, Mapping):
        return schema
    # A header described by `content` instead of `schema` (OpenAPI allows one media type there): its schema.
    for media in (node.get("content") or {}).values():
        if isinstance(media, Mapping) and isinstance(media.get("schema"), Mapping):
            found: Mapping[str, Any] = media["schema"]
            return found
    return {}


def _coercion(document: Mapping[str, Any], schema: Mapping[str, Any]) -> Callable[[str], object]:
    """A header's text as the JSON value its schema judges (style `simple`: arrays are comma-separated)."""
    resolved, _ = resolve(document, schema)
    if isinstance(resolved, Mapping) and resolved.get("type") == "array":
        items, _ = resolve(document, resolved.get("items") or {})
        item = scalar_coercion(items if isinstance(items, Mapping) else {}) or str
        return lambda value: [item(part.strip()) for part in value.split(",")] if value.strip() else []
    return scalar_coercion(resolved if isinstance(resolved, Mapping) else {}) or str


def _header_set(
    document: Mapping[str, Any], found: Iterable[tuple[str, Mapping[str, Any], str]], components: Mapping[str, Any]
) -> HeaderSet | None:
    headers: dict[str, _Header] = {}
    schemas: dict[str, Any] = {}
    for name, node, at in found:
        key = name.lower()
        schemas[key] = schema = _header_schema(node)
        shown = json.dumps(schema, separators=(",", ":"), ensure_ascii=False)[:MAX_SHOWN]
        headers[key] = _Header(bool(node.get("required")), at, _coercion(document, schema), shown)
    if not headers:
        return None
    # Values only: presence is checked by name (case-insensitively), so the schema requires nothing.
    return HeaderSet(headers, compile_schema({"type": "object", "properties": schemas}, components))


def request_header_set(
    document: Mapping[str, Any], path: str, method: str, components: Mapping[str, Any]
) -> HeaderSet | None:
    """The header parameters of one operation (operation-level ones win over the path item's)."""
    item = document["paths"][path]
    found: dict[str, tuple[str, Mapping[str, Any], str]] = {}
    levels = (
        (pointer("paths", path), item.get("parameters")),
        (pointer("paths", path, method), item[method].get("parameters")),
    )
    for where, raws in levels:
        for index, raw in enumerate(raws or []):
            node, ref = resolve(document, raw)
            if not isinstance(node, Mapping) or node.get("in") != "header":
                continue
            name = str(node.get("name", ""))
            if name.lower() in _IGNORED_PARAMETERS:
                continue
            found[name.lower()] = (name, node, ref[1:] if ref else f"{where}/parameters/{index}")
    return _header_set(document, found.values(), components)


def response_header_set(
    document: Mapping[str, Any], response: Mapping[str, Any], response_pointer: str, components: Mapping[str, Any]
) -> HeaderSet | None:
    """The documented headers of one response (Header Objects, `$ref`s followed)."""
    found = []
    for name, raw in (response.get("headers") or {}).items():
        if str(name).lower() in _IGNORED_RESPONSE_HEADERS:
            continue
        node, ref = resolve(document, raw)
        if isinstance(node, Mapping):
            found.append((str(name), node, ref[1:] if ref else f"{response_pointer}{pointer('headers', str(name))}"))
    return _header_set(document, found, components)


def header_findings(rules: HeaderSet | None, headers: Mapping[str, str]) -> list[Finding]:
    """Each documented header that is missing though required, or whose value its schema refuses.

    `headers`: lower-case names. Observed values are shown redacted (a header may carry a credential).
    """
    if rules is None:
        return []
    found = [
        Finding("missing-header", name, "a required header", "absent", header.pointer)
        for name, header in rules.headers.items()
        if header.required and name not in headers
    ]
    present = {name: headers[name] for name in rules.headers if name in headers}
    if not present:
        return found
    values = {name: rules.headers[name].coerce(value) for name, value in present.items()}
    if rules.validator.is_valid(values):
        return found
    try:
        errors = list(rules.validator.iter_errors(values))
    except ValueError:  # jsonschema-rs: "Recursion limit reached"; a header value cannot nest that deep
        errors = []
    for name in sorted({str(error.instance_path[0]) for error in errors if error.instance_path}):
        if name in present:
            shown = redact_headers([(name, present[name])])[name][:MAX_SHOWN]
            found.append(Finding("header", name, rules.headers[name].shown, shown, rules.headers[name].pointer))
    return found


def lower_headers(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Header name (lower case) → value, repeated headers joined with ", " (RFC 9110 §5.3)."""
    result: dict[str, str] = {}
    for name, value in pairs:
        key = name.lower()
        result[key] = f"{result[key]}, {value}" if key in result else value
    return result
