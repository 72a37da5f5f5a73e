"""Check one HTTP exchange against an API's patched spec: which operation it is, and every way it differs.

The request side reuses the simulators' compiled validators (simulators._serving.validation, the same
jsonschema-rs validators that guard the simulators); the response side compiles each documented response
schema the same way. Each difference becomes a `Deviation` that names where it is in the body (a JSON
pointer), where the documented shape lives in the patched spec (`schema_pointer`, what a drafted overlay
targets), the documented shape and the observed one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema_rs

from simulators._serving.routing import Router
from simulators._serving.validation import Operation, compile_operations, compile_schema
from specforge.jsonpointer import pointer
from specforge.jsonpointer import resolve as resolve_pointer
from specforge.openapi import follow_refs, iter_operations, resolve
from specforge.patched import StampedSpec, load_patched

from . import json_bytes
from .headers import (
    Finding,
    HeaderSet,
    content_type_finding,
    header_findings,
    lower_headers,
    request_header_set,
    response_header_set,
)

__all__ = ["MAX_ERRORS", "Checked", "Deviation", "TrafficChecker", "json_type"]

MAX_ERRORS = 50  # per exchange: a body that differs everywhere is reported by its first 50 differences
MAX_ARRAY_WALK = 50  # elements of one array looked at for undocumented fields (bounded work per exchange)
MAX_DEPTH = 64  # nesting walked for undocumented fields
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")
_INDEX = re.compile(r"/\d+(?=/|$)")


def json_type(value: Any) -> str:
    """The JSON type name of a decoded value ("integer" for whole numbers, as JSON Schema says)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


@dataclass(frozen=True, slots=True)
class Deviation:
    """One way an exchange differs from the spec.

    kind: unknown-path, method-not-allowed, path-parameter, query-parameter, undocumented-parameter,
    request-body, undocumented-status, not-json, list-for-object, null, type, undocumented-field,
    undocumented-enum-value, date-time-for-date, format, missing-field, schema; for headers (`pointer` is the
    header's lower-case name): content-type, missing-header, header.
    """

    kind: str
    part: str  # "request" or "response"
    pointer: str  # JSON pointer into the body ("" the whole body); a parameter's name for parameters
    documented: str
    observed: str
    schema_pointer: str | None = None  # where the documented shape lives in the patched spec
    value: Any = None  # the undocumented field's name, enum value or status: what a drafted overlay adds

    @property
    def general_pointer(self) -> str:
        """The pointer with array indices as `*`, so the same field of every element counts once."""
        return _INDEX.sub("/*", self.pointer)

    def key(self) -> tuple[str, str, str, str | None, str]:
        return (self.kind, self.part, self.general_pointer, self.schema_pointer, self.observed)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "part": self.part,
            "pointer": self.general_pointer,
            "documented": self.documented,
            "observed": self.observed,
            "schema_pointer": self.schema_pointer,
            "value": self.value,
        }

    def line(self) -> str:
        where = self.general_pointer or "(body)"
        return f"{self.part} {where}: {self.kind}: documented {self.documented}, observed {self.observed}"


@dataclass(frozen=True, slots=True)
class Checked:
    """The verdict on one exchange: the operation it matched (None: no documented operation) and its deviations."""

    operation_id: str | None
    label: str
    deviations: tuple[Deviation, ...] = ()


@dataclass(frozen=True, slots=True)
class _Response:
    pointer: str  # the schema's location in the spec
    schema: Mapping[str, Any] | None  # None: the response documents no JSON body
    validator: jsonschema_rs.Validator | None
    content: Mapping[str, Any] | None  # the documented media types (None: no body documented)
    content_pointer: str
    headers: HeaderSet | None


@dataclass(slots=True)
class _OperationInfo:
    operation: Operation
    spec_pointer: str
    query_names: frozenset[str]
    request_content: Mapping[str, Any] | None  # the request body's documented media types
    request_content_pointer: str
    request_headers: HeaderSet | None
    responses: dict[str, _Response] = field(default_factory=dict)


class TrafficChecker:
    """Every operation of one patched spec, validators compiled once; `check` judges one exchange."""

    def __init__(self, spec: StampedSpec, ignore: Iterable[str] = ()) -> None:
        self.api = spec.api
        self.spec_sha256 = spec.sha256
        self.base_path = spec.base_path
        self.ignored = frozenset(ignore)
        self._document = spec.document
        components = spec.document.get("components", {})
        self._components = components
        self._closed_components: Any = None
        self._closed: dict[str, jsonschema_rs.Validator] = {}  # response schema pointer → its closed copy
        operations = compile_operations(spec)
        unknown = sorted(self.ignored - {op.operation_id for op in operations})
        if unknown:
            raise ValueError(f"--ignore {', '.join(unknown)}: no such operationId in the {spec.api} spec")
        self._router = Router(operations)
        by_id = {op.operation_id: op for op in operations}
        self._info: dict[str, _OperationInfo] = {}
        for walked in iter_operations(spec.document):
            op_id = walked.operation_id
            if op_id is None or op_id not in by_id:
                continue
            body, body_ref = resolve(spec.document, walked.node.get("requestBody") or {})
            info = _OperationInfo(
                by_id[op_id],
                walked.pointer,
                frozenset(str(p.get("name")) for p in walked.parameters if p.get("in") == "query"),
                body.get("content") if isinstance(body, Mapping) else None,
                f"{body_ref[1:] if body_ref else walked.pointer + '/requestBody'}/content",
                request_header_set(spec.document, walked.path, walked.method, components),
            )
            for status, raw in (walked.node.get("responses") or {}).items():
                response = follow_refs(spec.document, raw)
                base = f"{walked.pointer}/responses/{_escape(str(status))}"
                ref = raw.get("$ref") if isinstance(raw, Mapping) else None
                located = str(ref).removeprefix("#") if isinstance(ref, str) else base  # where the object is
                media, schema = _json_schema(response)
                schema_pointer = f"{base}{pointer('content', media, 'schema')}"
                info.responses[str(status)] = _Response(
                    schema_pointer if schema is not None else base,
                    schema,
                    compile_schema(schema, components) if schema is not None else None,
                    response.get("content") or None,
                    f"{located}/content",
                    response_header_set(spec.document, response, located, components),
                )
            self._info[op_id] = info

    @classmethod
    def for_api(cls, api: str, *, generated: Path | None = None, ignore: Iterable[str] = ()) -> TrafficChecker:
        """The checker of generated/<api>/openapi.yaml, refused (SpecMismatchError) unless it matches its STAMP."""
        return cls(load_patched(api, generated), ignore)

    def match(self, method: str, path: str) -> tuple[Operation | None, dict[str, str], Checked | None]:
        """The operation a request is for; a Checked with the deviation when there is none."""
        label = f"{method.upper()} {path}"
        relative = path[len(self.base_path) :] if path.startswith(self.base_path) else None
        found = None if relative is None else self._router.match(method.upper(), relative or "/")
        if found is None:
            dev = Deviation("unknown-path", "request", "", "a path of the spec", path)
            return None, {}, Checked(None, label, (dev,))
        operation, params = found
        if operation is None:
            dev = Deviation("method-not-allowed", "request", "", "a documented method", method.upper())
            return None, {}, Checked(None, label, (dev,))
        return operation, params, None

    def check(
        self,
        *,
        method: str,
        path: str,
        query: Sequence[tuple[str, str]],
        request_body: bytes,
        status: int,
        response_body: bytes,
        request_headers: Iterable[tuple[str, str]] | None = None,
        response_headers: Iterable[tuple[str, str]] | None = None,
    ) -> Checked:
        """Judge one exchange; bodies are the raw bytes (the caller bounds their size).

        Headers as (name, value) pairs, repeats allowed; None: not known, that side's headers are not checked.
        """
        operation, params, refused = self.match(method, path)
        if refused is not None or operation is None:
            return refused or Checked(None, f"{method} {path}")
        label = f"{operation.method} {operation.path}"
        if operation.operation_id in self.ignored:
            return Checked(operation.operation_id, label)
        info = self._info[operation.operation_id]
        found = [*self._request(operation, info, params, query, request_body)]
        if request_headers is not None:
            sent = lower_headers(request_headers)
            media = content_type_finding(info.request_content, info.request_content_pointer, sent, request_body)
            found += _header_deviations("request", media, header_findings(info.request_headers, sent))
        response = _documented(info, status)
        if response is not None and response_headers is not None:
            got = lower_headers(response_headers)
            media = content_type_finding(response.content, response.content_pointer, got, response_body)
            found += _header_deviations("response", media, header_findings(response.headers, got))
        found += self._response(info, response, status, response_body)
        return Checked(operation.operation_id, label, tuple(found[:MAX_ERRORS]))

    def _request(
        self,
        operation: Operation,
        info: _OperationInfo,
        params: dict[str, str],
        query: Sequence[tuple[str, str]],
        body: bytes,
    ) -> Iterator[Deviation]:
        for error in operation.errors("path", operation.coerce_path(params)):
            yield Deviation("path-parameter", "request", _where(error), "the parameter's schema", error.message)
        single = dict(query)
        for name in sorted(set(single) - info.query_names):
            yield Deviation("undocumented-parameter", "request", name, "no such query parameter", name, value=name)
        for error in operation.errors("query", operation.coerce_query(single)):
            yield Deviation("query-parameter", "request", _where(error), "the parameter's schema", error.message)
        if not body.strip():
            if operation.body_required:
                yield Deviation("request-body", "request", "", "a required JSON body", "no body")
            return
        if not operation.has_body:
            yield Deviation("request-body", "request", "", "no body", f"{len(body)} bytes")
            return
        try:
            decoded = json_bytes.loads(body)
        except (ValueError, RecursionError):
            yield Deviation("request-body", "request", "", "a JSON body", "not JSON")
            return
        for error in operation.errors("body", decoded):
            yield Deviation("request-body", "request", _where(error), "the body's schema", error.message)

    def _response(self, info: _OperationInfo, response: _Response | None, status: int, body: bytes) -> list[Deviation]:
        if response is None:
            documented = ", ".join(sorted(info.responses))
            return [
                Deviation(
                    "undocumented-status",
                    "response",
                    "",
                    documented,
                    str(status),
                    f"{info.spec_pointer}/responses",
                    value=status,
                )
            ]
        if response.schema is None or response.validator is None:
            return []
        try:
            decoded = json_bytes.loads(body)
        except (ValueError, RecursionError):
            return [Deviation("not-json", "response", "", "a JSON body", f"{len(body)} bytes, not JSON")]
        return _response_deviations(self._document, response, decoded, self._closed_validator)

    def _closed_validator(self, response: _Response) -> jsonschema_rs.Validator:
        """The closed copy of a response schema (see _closed), compiled on first use: compiling every one at
        start-up tripled the MyCashflow checker's start (0.8 → 2.4 s) for schemas most runs never see."""
        found = self._closed.get(response.pointer)
        if found is None:
            assert response.schema is not None
            if self._closed_components is None:
                self._closed_components = _closed(self._components)
            found = self._closed[response.pointer] = compile_schema(_closed(response.schema), self._closed_components)
        return found


def _documented(info: _OperationInfo, status: int) -> _Response | None:
    """The response documented for a status: its own, its range's (`4XX`), else `default`."""
    response = info.responses.get(str(status)) or info.responses.get(f"{status // 100}XX")
    return response or info.responses.get("default")


def _header_deviations(part: str, media: Finding | None, headers: list[Finding]) -> list[Deviation]:
    return [
        Deviation(f.kind, part, f.name, f.documented, f.observed, f.schema_pointer, f.value)
        for f in ([media] if media else []) + headers
    ]


def _response_deviations(
    document: Mapping[str, Any],
    response: _Response,
    body: Any,
    closed: Callable[[_Response], jsonschema_rs.Validator],
) -> list[Deviation]:
    assert response.validator is not None and response.schema is not None
    found: list[Deviation] = []
    try:
        if response.validator.is_valid(body):
            if closed(response).is_valid(body):
                return found  # valid, and no field the schema does not name: nothing for the walk to find
            errors = []
        else:
            errors = list(response.validator.iter_errors(body))
    except ValueError:  # jsonschema-rs: "Recursion limit reached" on a deeply nested body
        return [Deviation("schema", "response", "", "the response schema", "nested too deeply to check")]
    for error in errors[:MAX_ERRORS]:
        found.append(_classify(document, error, response.pointer))
    _walk(document, response.schema, (response.pointer,), body, (), found, 0)
    return found


def _closed(node: Any) -> Any:
    """A copy of a schema in which every object schema with `properties` (and no `patternProperties`) also says
    `additionalProperties: false`.

    The fast path of the undocumented-field walk (`_walk`): that walk reports a name a `properties` does not
    list wherever it descends (properties, items, one-branch wrappers, `$ref`s), and jsonschema-rs evaluates
    the closed copy at each of those places, so a body the closed copy accepts has nothing for the walk to
    find, and the Python walk (the costliest part of a check, profiled under load) is skipped. A body it
    refuses (an undocumented field, or a closed branch of a many-branch `allOf`) is walked as before.
    """
    if isinstance(node, list):
        return [_closed(item) for item in node]
    if not isinstance(node, Mapping):
        return node
    copied = {key: _closed(value) for key, value in node.items()}
    if isinstance(node.get("properties"), Mapping) and "patternProperties" not in node:
        copied["additionalProperties"] = False
    return copied


def _classify(document: Mapping[str, Any], error: jsonschema_rs.ValidationError, base: str) -> Deviation:  # noqa: PLR0911 (one return per error kind)
    where = _where(error)
    schema_pointer, site_pointer = _schema_pointers(document, base, [str(part) for part in error.evaluation_path][:-1])
    kind = error.kind
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.Type):
        return _type_deviation(kind, error.instance, where, site_pointer)
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.Enum):
        observed_value = error.instance
        observed = json_type(observed_value)
        options = ", ".join(json.dumps(option) for option in kind.options)[:200]
        shown = json.dumps(observed_value)[:80] if observed in {"string", "integer", "number"} else observed
        return Deviation(
            "undocumented-enum-value", "response", where, f"one of {options}", shown, schema_pointer, observed_value
        )
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.Format):
        if kind.format == "date" and isinstance(error.instance, str) and _DATE_TIME.match(error.instance):
            return Deviation("date-time-for-date", "response", where, "date", "date-time", schema_pointer)
        return Deviation("format", "response", where, str(kind.format), json_type(error.instance), schema_pointer)
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.AdditionalProperties):
        names = ", ".join(str(name) for name in kind.unexpected)[:200]
        return Deviation("undocumented-field", "response", where, "no such field", names, schema_pointer)
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.Required):
        return Deviation("missing-field", "response", where, f"required {kind.property}", "absent", schema_pointer)
    return Deviation("schema", "response", where, "the response schema", error.message[:200], schema_pointer)


def _type_deviation(kind: Any, value: Any, where: str, site_pointer: str) -> Deviation:
    observed = json_type(value)
    types = kind.types if isinstance(kind.types, list) else [kind.types]
    documented = " or ".join(str(t) for t in types)
    # A shape reached through a `$ref` is changed where it is used (that property), not for every user.
    if observed == "null":
        return Deviation("null", "response", where, documented, "null", site_pointer)
    if observed == "array" and "object" in types:
        return Deviation("list-for-object", "response", where, documented, "array", site_pointer)
    return Deviation("type", "response", where, documented, observed, site_pointer)


def _walk(  # noqa: PLR0917 (the walk's state, passed down instead of kept in an object)
    document: Mapping[str, Any],
    node: Any,
    node_at: tuple[str, ...],  # node_at[0] is an escaped pointer, the rest unescaped parts below it
    instance: Any,
    where: tuple[str | int, ...],
    found: list[Deviation],
    depth: int,
) -> None:
    """Fields the schema does not name (allowed by JSON Schema unless additionalProperties is false).

    Pointers are kept as tuples of parts while walking and joined only for a finding: a body that matches its
    schema (nearly every exchange) builds no string (profiled under load: it was a fifth of the check).
    """
    node, ref = resolve(document, node)  # the document layer's $ref follower ({} where a reference points nowhere)
    if ref is not None:
        node_at = (ref[1:],)
    if depth > MAX_DEPTH or len(found) >= MAX_ERRORS or not isinstance(node, Mapping):
        return
    if isinstance(instance, dict):
        properties = node.get("properties")
        if isinstance(properties, Mapping):
            closed = node.get("additionalProperties") is False  # jsonschema already reports those
            for name, value in instance.items():
                if name in properties:
                    _walk(
                        document,
                        properties[name],
                        (*node_at, "properties", name),
                        value,
                        (*where, name),
                        found,
                        depth + 1,
                    )
                elif not closed and "patternProperties" not in node:
                    found.append(
                        Deviation(
                            "undocumented-field",
                            "response",
                            pointer(*where, name),
                            "no such field",
                            json_type(value),
                            node_at[0] + pointer(*node_at[1:], "properties"),
                            name,
                        )
                    )
        for keyword in ("allOf", "anyOf", "oneOf"):
            branches = node.get(keyword)
            if isinstance(branches, list) and len(branches) == 1:  # one branch: a wrapper, not a choice
                _walk(document, branches[0], (*node_at, keyword, "0"), instance, where, found, depth + 1)
    elif isinstance(instance, list) and isinstance(node.get("items"), Mapping):
        for index, item in enumerate(instance[:MAX_ARRAY_WALK]):
            _walk(document, node["items"], (*node_at, "items"), item, (*where, index), found, depth + 1)


def _json_schema(response: Mapping[str, Any]) -> tuple[str, Mapping[str, Any] | None]:
    for media, content in (response.get("content") or {}).items():
        if "json" in media and isinstance(content, Mapping) and isinstance(content.get("schema"), Mapping):
            return media, content["schema"]
    return "application/json", None


def _schema_pointers(document: Mapping[str, Any], base: str, path: list[str]) -> tuple[str, str]:
    """Where the failing schema is in the spec, and the place that uses it (the property holding its `$ref`).

    Follows jsonschema-rs's evaluation path (keywords, `$ref` hops included) from the response schema.
    """
    current, site, after_ref = base, base, False
    for part in path:
        if part == "$ref":
            try:
                ref = resolve_pointer(document, current)["$ref"]
            except (KeyError, TypeError):
                break
            site, current, after_ref = current, str(ref).removeprefix("#"), True
        else:
            current, after_ref = current + "/" + _escape(part), False
    return current, site if after_ref else current


def _where(error: jsonschema_rs.ValidationError) -> str:
    return "".join(f"/{_escape(str(part))}" for part in error.instance_path)


def _escape(part: str) -> str:
    return pointer(part)[1:]
