"""Request validators compiled once per operation from the patched spec (JSON Schema 2020-12, jsonschema-rs)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import jsonschema_rs

from specforge.openapi import METHODS, follow_refs

from .spec import Spec

__all__ = ["METHODS", "Operation", "compile_operations", "compile_schema", "scalar_coercion"]
_INTEGER = re.compile(r"-?[0-9]+")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?")
# Longer numerals stay strings, so the schema answers "not an integer" (422/404/400): int() refuses more than
# 4,300 digits (CPython's int_max_str_digits, a denial-of-service guard) and float() turns them into inf.
MAX_NUMERAL = 4300


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation of the spec with its validators; `check_*` return a message naming the field, or None."""

    operation_id: str
    method: str  # upper case, as in the ASGI scope
    path: str  # the spec's path template, without the base path
    has_body: bool
    body_required: bool
    _path_params: jsonschema_rs.Validator | None
    _query: jsonschema_rs.Validator | None
    _query_coercions: Mapping[str, Callable[[str], object]]
    _body: jsonschema_rs.Validator | None
    # Integer path parameters arrive as strings; they are coerced for validation only, so handlers still
    # receive the raw strings in Call.path_params.
    _path_coercions: Mapping[str, Callable[[str], object]] = field(default_factory=dict)

    def check_path(self, params: dict[str, str]) -> str | None:
        return _first_error(self._path_params, self.coerce_path(params), "path parameter ")

    def coerce_path(self, params: dict[str, str]) -> dict[str, Any]:
        """Path parameters as JSON values (integers where the spec says integer), as their schemas judge them."""
        if not self._path_coercions:
            return dict(params)
        return {name: self._path_coercions.get(name, str)(value) for name, value in params.items()}

    def coerce_query(self, query: dict[str, str]) -> dict[str, Any]:
        """Turn numeric/boolean query strings into JSON values so their schemas can judge them."""
        if not self._query_coercions:
            return dict(query)
        return {name: self._query_coercions.get(name, str)(value) for name, value in query.items()}

    def check_query(self, query: Mapping[str, Any]) -> str | None:
        return _first_error(self._query, query, "query parameter ")

    def check_body(self, body: Any) -> str | None:
        return _first_error(self._body, body, "")

    def errors(self, where: str, instance: Any) -> list[jsonschema_rs.ValidationError]:
        """Every schema error of one part ("path", "query" or "body", already coerced), for APIs that list them all.

        Empty when the errors cannot be built (jsonschema-rs refuses to render an instance nested too deeply).
        """
        validator = {"path": self._path_params, "query": self._query, "body": self._body}[where]
        try:
            return [] if validator is None else list(validator.iter_errors(instance))
        except ValueError:  # "Recursion limit reached"
            return []


def _first_error(validator: jsonschema_rs.Validator | None, instance: Any, where: str) -> str | None:
    # is_valid is the cheap path; the error is only built for a request that fails.
    if validator is None or validator.is_valid(instance):
        return None
    try:
        error = next(iter(validator.iter_errors(instance)))
    except ValueError:  # jsonschema-rs: "Recursion limit reached" while rendering a deeply nested instance
        return f"{where}value is nested too deeply to be checked".strip()
    field = ".".join(str(part) for part in error.instance_path)
    return f"{where}{field}: {error.message}" if field else f"{where}{error.message}".strip()


_KEPT_DOCUMENTS = 8  # the spec documents whose compiled operations a process keeps (the three APIs', a few more)
_COMPILED: dict[int, tuple[dict[str, Any], tuple[Operation, ...]]] = {}


def compile_operations(spec: Spec) -> list[Operation]:
    """Every operation of the spec, validators compiled now so no request pays for compilation.

    Compiled once per spec document and process: every app of a simulator (a test's, a contract model's) compiled
    the same validators again, 40 ms of the 106 ms a seeded MyCashflow store took to build (issue 21).
    An Operation is frozen and a validator only reads, so the apps share them. The document is the key by identity,
    and kept, so its id cannot be reused by another."""
    document = spec.document
    kept = _COMPILED.get(id(document))
    if kept is None or kept[0] is not document:
        if len(_COMPILED) >= _KEPT_DOCUMENTS:
            _COMPILED.pop(next(iter(_COMPILED)))
        kept = _COMPILED[id(document)] = (document, tuple(_compiled(document)))
    return list(kept[1])


def _compiled(document: dict[str, Any]) -> list[Operation]:
    components = document.get("components", {})
    operations = []
    for path, item in document.get("paths", {}).items():
        shared = item.get("parameters", [])
        for method in METHODS:
            if method not in item:
                continue
            op = item[method]
            params = {
                (p["name"], p["in"]): p
                for p in (follow_refs(document, raw) for raw in [*shared, *op.get("parameters", [])])
            }
            body = follow_refs(document, op["requestBody"]) if "requestBody" in op else None
            body_schema = (body or {}).get("content", {}).get("application/json", {}).get("schema")
            operations.append(
                Operation(
                    operation_id=op["operationId"],
                    method=method.upper(),
                    path=path,
                    has_body=body is not None,
                    body_required=bool(body and body.get("required")),
                    _path_params=_object_validator(params, "path", components),
                    _query=_object_validator(params, "query", components),
                    _query_coercions={
                        name: coerce
                        for (name, where), p in params.items()
                        if where == "query" and (coerce := _param_coercion(p)) is not None
                    },
                    _path_coercions={
                        name: coerce
                        for (name, where), p in params.items()
                        if where == "path" and (coerce := _param_coercion(p)) is not None
                    },
                    _body=_compile(body_schema, components) if body_schema is not None else None,
                )
            )
    return operations


def _object_validator(
    params: Mapping[tuple[str, str], Mapping[str, Any]], where: str, components: Mapping[str, Any]
) -> jsonschema_rs.Validator | None:
    chosen = {name: p for (name, kind), p in params.items() if kind == where}
    if not chosen:
        return None
    schema = {
        "type": "object",
        "properties": {name: p.get("schema", {}) for name, p in chosen.items()},
        "required": sorted(name for name, p in chosen.items() if p.get("required")),
    }
    return _compile(schema, components)


def compile_schema(schema: Mapping[str, Any], components: Mapping[str, Any]) -> jsonschema_rs.Validator:
    """One of the spec's schemas as a validator (the traffic checker compiles response schemas the same way)."""
    return _compile(schema, components)


def _compile(schema: Mapping[str, Any], components: Mapping[str, Any]) -> jsonschema_rs.Validator:
    # The operation's schema becomes the root of a document that also carries the spec's components,
    # so the spec's own "#/components/schemas/…" references resolve unchanged.
    root = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema, "components": components}
    return jsonschema_rs.validator_for(root, validate_formats=True)


def _param_coercion(param: Mapping[str, Any]) -> Callable[[str], object] | None:
    schema = param.get("schema", {})
    # style=form, explode=false: one parameter carries a comma-separated list (`expand=a,b`).
    if schema.get("type") == "array" and param.get("explode") is False:
        return lambda value: value.split(",") if value else []
    return scalar_coercion(schema)


def scalar_coercion(schema: Mapping[str, Any]) -> Callable[[str], object] | None:
    """A parameter's text as the JSON value an integer, number or boolean schema judges (None: keep the text).

    Shared with trafficcheck, which reads header values the same way.
    """
    kind = schema.get("type")
    if kind == "integer":
        return lambda value: int(value) if len(value) <= MAX_NUMERAL and _INTEGER.fullmatch(value) else value
    if kind == "number":
        return lambda value: float(value) if len(value) <= MAX_NUMERAL and _NUMBER.fullmatch(value) else value
    if kind == "boolean":
        return lambda value: {"true": True, "false": False}.get(value, value)
    return None
