"""An API's reference: an overview page and one page per operation of its patched spec.

Parameters, request body, responses and the SDK's error families come from the patched spec
(generated/<api>/openapi.yaml) and the registry's `sdk` binding; each page ends with its example
(`examples.example`), which tests/website/test_examples.py runs against the simulator.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from specforge.apis import API
from specforge.clients import load_object, operation_module
from specforge.openapi import Operation, follow_refs, iter_operations

from ._markdown import cell, code, fenced, inert, json_block, safe_id
from .examples import _media_example, example, request_example

__all__ = ["ErrorFamily", "error_families", "operation_page", "operation_pages", "overview_page", "type_name"]


@dataclass(frozen=True)
class ErrorFamily:
    """One exception class of an SDK's error hierarchy, as its module declares it (`FAMILIES`)."""

    name: str
    doc: str
    http_status: int | None
    codes: tuple[int, ...]


def _subclasses(cls: type) -> list[type]:
    found: list[type] = []
    direct_subclasses: list[type] = cls.__subclasses__()
    for direct in direct_subclasses:
        found += [direct, *_subclasses(direct)]
    return found


def error_families(api: API) -> list[ErrorFamily]:
    """The binding's error root and every subclass of it (the families `error_for` raises), in definition order."""
    if api.sdk is None:
        return []
    root = load_object(api.sdk.error)
    return [
        ErrorFamily(
            name=family.__name__,
            doc=(family.__doc__ or "").strip().splitlines()[0] if family.__doc__ else "",
            http_status=getattr(family, "http_status", None),
            codes=tuple(sorted(getattr(family, "codes", ()))),
        )
        for family in (root, *_subclasses(root))
    ]


def type_name(document: Mapping[str, Any], schema: Any) -> str:
    """A short type for a table: `OrderResult`, `array of Item`, `string (date-time)`, `"a" | "b"`."""
    if not isinstance(schema, Mapping):
        return "any"
    if isinstance(schema.get("$ref"), str):
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    for key in ("anyOf", "oneOf", "allOf"):
        if isinstance(schema.get(key), list):
            return (" & " if key == "allOf" else " | ").join(type_name(document, s) for s in schema[key])
    if isinstance(schema.get("enum"), list):
        return " | ".join(repr(value) for value in schema["enum"][:8]) + (" | …" if len(schema["enum"]) > 8 else "")
    kind = schema.get("type", "any")
    kind = " | ".join(map(str, kind)) if isinstance(kind, list) else str(kind)
    if kind == "array":
        return f"array of {type_name(document, schema.get('items'))}"
    return f"{kind} ({schema['format']})" if "format" in schema else kind


def _properties_table(document: Mapping[str, Any], schema: Mapping[str, Any]) -> list[str]:
    resolved = follow_refs(document, schema)
    properties = resolved.get("properties")
    if not isinstance(properties, Mapping) or not properties:
        return []
    required = set(resolved.get("required", []))
    rows = ["| field | type | required | description |", "| --- | --- | --- | --- |"]
    for name, prop in properties.items():
        description = prop.get("description", "") if isinstance(prop, Mapping) else ""
        rows.append(
            f"| {code(name)} | {cell(type_name(document, prop))} | {'yes' if name in required else ''} "
            f"| {cell(description)} |"
        )
    return rows


def _status_families(families: list[ErrorFamily], status: str) -> list[ErrorFamily]:
    if status.startswith("5"):
        return [f for f in families if f.name == "ServerError"] or families[:1]
    matched = [f for f in families if f.http_status is not None and str(f.http_status) == status]
    return matched or families[:1]


def operation_page(api: API, document: Mapping[str, Any], operation: Operation, families: list[ErrorFamily]) -> str:
    """The reference page of one operation (Markdown)."""
    op = operation.node
    operation_id = safe_id(operation.operation_id)
    module = operation_module(api.package, operation_id)
    title = f"{operation_id}: {op.get('summary', '')}".rstrip(": ")
    out = [
        f"# {inert(title)}",
        "",
        f"{code(operation.method.upper() + ' ' + operation.path)} · tag {cell(', '.join(op.get('tags', [])) or '—')}"
        f" · module `{module.__name__}` (`sync`, `sync_detailed`, `asyncio`, `asyncio_detailed`)",
        "",
    ]
    if op.get("description"):
        out += [inert(op["description"]), ""]
    if operation.parameters:
        out += ["## Parameters", "", "| name | in | type | required | description |", "| --- | --- | --- | --- | --- |"]
        for parameter in operation.parameters:
            out.append(
                f"| {code(parameter.get('name'))} | {cell(parameter.get('in'))} "
                f"| {cell(type_name(document, parameter.get('schema')))} "
                f"| {'yes' if parameter.get('required') else ''} | {cell(parameter.get('description', ''))} |"
            )
        out.append("")
    body = op.get("requestBody")
    if isinstance(body, Mapping):
        resolved = follow_refs(document, body)
        out += ["## Request body", ""]
        for media_type, media in resolved.get("content", {}).items():
            schema = media.get("schema", {})
            required = "required" if resolved.get("required") else "optional"
            out += [f"{code(media_type)}, {required}: {cell(type_name(document, schema))}", ""]
            out += [*_properties_table(document, schema), ""]
        source, value = request_example(document, operation)
        if source:
            label = "The documented example" if source == "documented" else "No documented example; from the schema"
            out += [f"{label}:", "", json_block(value), ""]
    out += ["## Responses", "", "| status | description | body |", "| --- | --- | --- |"]
    success_example: tuple[str, Any] | None = None
    for status, raw in op.get("responses", {}).items():
        response = follow_refs(document, raw)
        media = response.get("content", {}).get("application/json", {})
        out.append(
            f"| {cell(status)} | {cell(response.get('description', ''))} "
            f"| {cell(type_name(document, media.get('schema')) if media else '—')} |"
        )
        found, value = _media_example(media) if media else (False, None)
        if found and success_example is None and str(status).startswith("2"):
            success_example = (str(status), value)
    out.append("")
    if success_example:
        out += [f"Documented {success_example[0]} example:", "", json_block(success_example[1]), ""]
    errors = [status for status in op.get("responses", {}) if not str(status).startswith(("2", "3"))]
    if families:
        out += [
            "## Errors",
            "",
            f"`sync` and `asyncio` raise a subclass of `{families[0].name}` for an error status "
            "(`*_detailed` return the response instead):",
            "",
            "| status | exception | error codes | when |",
            "| --- | --- | --- | --- |",
        ]
        for status in errors:
            for family in _status_families(families, str(status)):
                codes = ", ".join(map(str, family.codes)) or "—"
                out.append(f"| {cell(status)} | `{family.name}` | {codes} | {cell(family.doc)} |")
        out += ["", "Every family: [error families](../index.md#error-families).", ""]
    out += [
        "## Example",
        "",
        "Run against the simulator by `tests/website/test_examples.py` (the client reads its settings from the "
        "environment, see [Client](../index.md#client)):",
        "",
        fenced(example(api, document, operation), "python"),
        "",
    ]
    return "\n".join(out)


def operation_pages(api: API, document: Mapping[str, Any]) -> dict[str, str]:
    """operationId → page, every operation of the patched spec."""
    families = error_families(api)
    return {
        safe_id(op.operation_id): operation_page(api, document, op, families)
        for op in iter_operations(document)
        if op.operation_id
    }


def overview_page(api: API, document: Mapping[str, Any], links: Mapping[str, str]) -> str:
    """The API's front page: what it is, the client, the error families and every operation by tag."""
    info = document.get("info", {})
    out = [f"# {inert(info.get('title', api.name))}", ""]
    out += [
        f"API version {cell(info.get('version', '?'))} · generated package `{api.package}` "
        f"(distribution `{api.project}`) · patched spec `generated/{api.name}/openapi.yaml`",
        "",
    ]
    out += [f"{label}: [{label.lower()}]({target})" for label, target in links.items()]
    out += ["", "## Client", ""]
    if api.sdk is not None:
        client = load_object(api.sdk.client)
        out += [
            f"`{api.sdk.client.replace(':', '.')}`: `{client.__name__}.from_env()` reads",
            "",
            "| variable | argument | meaning | default |",
            "| --- | --- | --- | --- |",
        ]
        for variable in client.env_vars:
            default = "required" if variable.default is None else (f"`{variable.default}`" if variable.default else "—")
            out.append(f"| `{variable.name}` | `{variable.argument}` | {cell(variable.description)} | {default} |")
    servers = document.get("servers", [])
    if servers:
        out += ["", "Servers of the patched spec:", ""]
        out += [f"- {code(server.get('url'))}: {cell(server.get('description', ''))}" for server in servers]
    out += ["", "## Error families", ""]
    families = error_families(api)
    if families:
        out += ["| exception | HTTP status | error codes | when |", "| --- | --- | --- | --- |"]
        for family in families:
            codes = ", ".join(map(str, family.codes)) or "—"
            out.append(f"| `{family.name}` | {family.http_status or '—'} | {codes} | {cell(family.doc)} |")
    out += ["", "## Operations", ""]
    by_tag: dict[str, list[Operation]] = {}
    for op in iter_operations(document):
        if op.operation_id:
            by_tag.setdefault((op.node.get("tags") or ["other"])[0], []).append(op)
    for tag, operations in by_tag.items():
        out += [f"### {inert(tag)}", "", "| operation | method and path | summary |", "| --- | --- | --- |"]
        for op in operations:
            out.append(
                f"| [`{safe_id(op.operation_id)}`](operations/{op.operation_id}.md) "
                f"| {code(op.method.upper() + ' ' + op.path)} "
                f"| {cell(op.node.get('summary', ''))} |"
            )
        out.append("")
    if info.get("description"):
        out += ["## The vendor's introduction", "", inert(info["description"]), ""]
    return "\n".join(out)
