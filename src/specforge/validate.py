"""Checks a spec is a valid OpenAPI document and that every example in it matches its schema."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .jsonpointer import pointer, resolve

__all__ = ["Finding", "example_findings", "iter_examples", "openapi_findings", "ref_findings"]

_BASE = "urn:specforge:document"


@dataclass(frozen=True)
class Finding:
    """One problem at a JSON pointer inside a document."""

    pointer: str
    message: str

    def __str__(self) -> str:
        return f"{self.pointer or '/'}: {self.message}"


def _pointer(parts: tuple[str | int, ...]) -> str:
    return pointer(*parts)


def openapi_findings(document: dict[str, Any]) -> list[Finding]:
    """Structural OpenAPI errors (openapi-spec-validator), by the document's declared version."""
    version = str(document.get("openapi", ""))
    if not version.startswith(("3.0", "3.1")):
        return [Finding("/openapi", f"unsupported OpenAPI version {version!r} (3.0.x or 3.1.x expected)")]
    broken = ref_findings(document)
    if broken:  # the validator follows references and would stop at the first broken one
        return broken
    # Imported here: it takes ~0.2 s, which `generate` spends while the generators already run.
    from openapi_spec_validator.validation import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator  # noqa: PLC0415

    validator_class = OpenAPIV31SpecValidator if version.startswith("3.1") else OpenAPIV30SpecValidator
    findings = [
        Finding(_pointer(tuple(err.absolute_path)), err.message[:300])
        for err in validator_class(document).iter_errors()
    ]
    return sorted(findings, key=lambda f: (f.pointer, f.message))


def ref_findings(document: dict[str, Any]) -> list[Finding]:
    """Every `$ref` that points nowhere or outside the document, and every reference cycle that never
    leaves the spot it describes (`A: {$ref: A}`, `A: {allOf: [{$ref: A}]}`): the validators and the
    generator recurse on those until Python's stack runs out."""
    findings: list[Finding] = []
    where: dict[int, tuple[str | int, ...]] = {}
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(document, ())]
    while stack:  # iterative: a document from elsewhere may nest deeper than Python recursion allows
        node, at = stack.pop()
        if isinstance(node, dict):
            where.setdefault(id(node), at)
            ref = node.get("$ref")
            if isinstance(ref, str):
                try:
                    resolve(document, ref if ref.startswith("#") else f"external:{ref}")
                except KeyError:
                    kind = "unresolvable" if ref.startswith("#") else "external (unsupported)"
                    findings.append(Finding(_pointer((*at, "$ref")), f"{kind} reference {ref!r}"))
            stack.extend((value, (*at, key)) for key, value in reversed(node.items()))
        elif isinstance(node, list):
            stack.extend((value, (*at, index)) for index, value in reversed(list(enumerate(node))))
    return findings or _ref_cycles(document, where)


_IN_PLACE_LISTS = ("allOf", "anyOf", "oneOf")
_IN_PLACE_ONE = ("not", "if", "then", "else")


def _in_place(document: dict[str, Any], node: dict[str, Any]) -> list[dict[str, Any]]:
    """What describes the same value as `node`: its `$ref` target and its composed subschemas."""
    found: list[Any] = []
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#"):
        found.append(resolve(document, ref))
    for key in _IN_PLACE_LISTS:
        found.extend(node[key] if isinstance(node.get(key), list) else ())
    found.extend(node.get(key) for key in _IN_PLACE_ONE)
    return [item for item in found if isinstance(item, dict)]


def _ref_cycles(document: dict[str, Any], where: dict[int, tuple[str | int, ...]]) -> list[Finding]:
    """Cycles through `$ref`/allOf/anyOf/oneOf/not/if/then/else only: a node defined as itself."""
    done: set[int] = set()
    for start in [node for node in _dicts(document) if "$ref" in node]:
        if id(start) in done:
            continue
        path: list[dict[str, Any]] = []
        on_path: set[int] = set()
        stack: list[tuple[dict[str, Any], bool]] = [(start, False)]
        while stack:
            node, leaving = stack.pop()
            if leaving:
                path.pop()
                on_path.discard(id(node))
                done.add(id(node))
                continue
            if id(node) in on_path:
                first = next(i for i, item in enumerate(path) if item is node)
                cycle = [*path[first:], node]
                chain = " → ".join(_pointer(where.get(id(item), ())) or "#" for item in cycle)
                return [Finding(_pointer(where.get(id(node), ())), f"circular reference with no structure: {chain}")]
            if id(node) in done:
                continue
            path.append(node)
            on_path.add(id(node))
            stack.append((node, True))
            stack.extend((child, False) for child in _in_place(document, node))
    return []


def _dicts(document: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            found.append(node)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


@dataclass(frozen=True)
class Example:
    """An example value and the pointer of the schema it must satisfy."""

    pointer: str
    schema_pointer: str
    value: Any


def iter_examples(document: dict[str, Any]) -> Iterator[Example]:
    """Every example in the document: schema `example(s)`, media-type and parameter examples."""
    yield from _component_examples(document.get("components", {}))
    for path, item in document.get("paths", {}).items():
        if isinstance(item, dict):
            yield from _path_item_examples(item, ("paths", path))


def _component_examples(components: dict[str, Any]) -> Iterator[Example]:
    for name, schema in components.get("schemas", {}).items():
        yield from _schema_examples(schema, ("components", "schemas", name))
    for group in ("parameters", "headers"):
        for name, param in components.get(group, {}).items():
            yield from _holder_examples(param, (("components", group, name)))
    for name, body in components.get("requestBodies", {}).items():
        yield from _content_examples(body, ("components", "requestBodies", name))
    for name, response in components.get("responses", {}).items():
        yield from _response_examples(response, ("components", "responses", name))


def _path_item_examples(item: dict[str, Any], at: tuple[str | int, ...]) -> Iterator[Example]:
    for index, param in enumerate(item.get("parameters", [])):
        yield from _holder_examples(param, (*at, "parameters", index))
    for method, operation in item.items():
        if method == "parameters" or not isinstance(operation, dict):
            continue
        base = (*at, method)
        for index, param in enumerate(operation.get("parameters", [])):
            yield from _holder_examples(param, (*base, "parameters", index))
        if isinstance(operation.get("requestBody"), dict):
            yield from _content_examples(operation["requestBody"], (*base, "requestBody"))
        for status, response in operation.get("responses", {}).items():
            yield from _response_examples(response, (*base, "responses", status))


def _schema_examples(schema: Any, at: tuple[str | int, ...]) -> Iterator[Example]:
    if not isinstance(schema, dict):
        return
    if "example" in schema:
        yield Example(_pointer((*at, "example")), _pointer(at), schema["example"])
    if isinstance(schema.get("examples"), list):
        for index, value in enumerate(schema["examples"]):
            yield Example(_pointer((*at, "examples", index)), _pointer(at), value)
    properties = schema.get("properties")
    for name, sub in properties.items() if isinstance(properties, dict) else ():
        yield from _schema_examples(sub, (*at, "properties", name))
    for key in ("items", "additionalProperties", "not", "contains"):
        if isinstance(schema.get(key), dict):
            yield from _schema_examples(schema[key], (*at, key))
    for key in ("allOf", "anyOf", "oneOf", "prefixItems"):
        for index, sub in enumerate(schema.get(key, []) or []):
            yield from _schema_examples(sub, (*at, key, index))


def _holder_examples(holder: Any, at: tuple[str | int, ...]) -> Iterator[Example]:
    """A parameter, header or media type: `example` / `examples` check against its `schema`."""
    if not isinstance(holder, dict) or "$ref" in holder:
        return
    if isinstance(holder.get("schema"), dict):
        schema_at = (*at, "schema")
        yield from _schema_examples(holder["schema"], schema_at)
        if "example" in holder:
            yield Example(_pointer((*at, "example")), _pointer(schema_at), holder["example"])
        for name, example in (holder.get("examples") or {}).items():
            if isinstance(example, dict) and "value" in example:
                yield Example(_pointer((*at, "examples", name, "value")), _pointer(schema_at), example["value"])
    for name, media in (holder.get("content") or {}).items():
        yield from _holder_examples(media, (*at, "content", name))


def _content_examples(body: Any, at: tuple[str | int, ...]) -> Iterator[Example]:
    if isinstance(body, dict) and "$ref" not in body:
        for name, media in (body.get("content") or {}).items():
            yield from _holder_examples(media, (*at, "content", name))


def _response_examples(response: Any, at: tuple[str | int, ...]) -> Iterator[Example]:
    if not isinstance(response, dict) or "$ref" in response:
        return
    yield from _content_examples(response, at)
    for name, header in (response.get("headers") or {}).items():
        yield from _holder_examples(header, (*at, "headers", name))


def example_findings(document: dict[str, Any]) -> list[Finding]:
    """Every example that its own schema rejects (JSON Schema 2020-12, formats checked).

    Broken or circular references are reported by `ref_findings` (through `openapi_findings`); the
    examples are not checked past them, as the schema validator would recurse forever.
    """
    if ref_findings(document):
        return []
    registry: Registry[Any] = Registry().with_resource(
        _BASE, Resource.from_contents(document, default_specification=DRAFT202012)
    )
    findings: list[Finding] = []
    for example in iter_examples(document):
        validator = Draft202012Validator(
            {"$ref": f"{_BASE}#{example.schema_pointer}"},
            registry=registry,
            format_checker=Draft202012Validator.FORMAT_CHECKER,
        )
        for error in validator.iter_errors(example.value):
            where = example.pointer + _pointer(tuple(error.absolute_path))
            findings.append(Finding(where, error.message[:300]))
    return findings
