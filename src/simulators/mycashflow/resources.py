"""The store's resources as the patched spec defines them, compiled once: fields, writability, expand, sort.

Nothing here is MyCashflow knowledge typed by hand: a field is read-only because the spec marks it `readOnly`
or leaves it out of every input schema, an expansion exists because an `expand` enum lists it, and so on.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from specforge.openapi import follow_refs, iter_operations

from .._serving import Spec

__all__ = ["Endpoint", "Resource", "compile_resources"]

_PARAM = re.compile(r"\{([^}/]+)\}")
# A path segment that names an item by a field, not by id: `product_code={productCode}` (T3's stock tracker).
_FIELD_KEY = re.compile(r"(\w+)=\{([^}/]+)\}")


@dataclass(frozen=True)
class Endpoint:
    """One operation, classified by the shape of its path: what the generic handlers do with it."""

    operation_id: str
    action: str  # list | create | get | update | delete | sublist
    resource: str  # first path segment: "products", "customer-groups", …
    sub: str | None = None  # last segment of a sub-collection: "subcategories", "secondary_addresses"
    key_param: str | None = None  # the path parameter naming the item: "productID", "productCode"
    expands: frozenset[str] = frozenset()  # values the `expand` parameter offers, dotted ones included
    sorts: tuple[str, ...] = ()
    filters: tuple[str, ...] = ()  # query parameters other than page, page_size, sort, expand
    key_field: str | None = None  # the field `key_param` is matched against when it isn't the id
    success: int = 200  # the 2xx the spec documents (a product create: 200, the vendor's worked example)
    base_path: str = "/api/v1"  # the spec's server path: what `meta.next` starts with


@dataclass
class Resource:
    """A resource's item schema, compiled: the fields every item carries, and what a write may change."""

    name: str
    schema: str
    fields: tuple[str, ...]  # the base representation, in spec order (expansions excluded)
    defaults: dict[str, Any]  # a type-correct value for every base field a create leaves out
    writable: frozenset[str]  # properties of the create/update input schemas
    expandable: frozenset[str]  # properties shown only when expanded (translations, variations, …)
    translatable: tuple[str, ...] = ()  # fields of the `translations` entries, besides `language`
    read_only: frozenset[str] = field(default_factory=frozenset)


def compile_resources(spec: Spec) -> tuple[dict[str, Resource], dict[str, Endpoint]]:
    """Resources by their path segment and endpoints by operationId, from the spec's paths and schemas."""
    document = spec.document
    schemas: dict[str, Any] = document["components"]["schemas"]
    endpoints: dict[str, Endpoint] = {}
    item_schema: dict[str, str] = {}
    inputs: dict[str, set[str]] = {}
    expandable: dict[str, set[str]] = {}
    for operation in iter_operations(document, ("get", "post", "patch", "put", "delete")):
        method, path, op = operation.method, operation.path, operation.node
        endpoint = _classify(method, path, op, document, spec.base_path)
        endpoints[endpoint.operation_id] = endpoint
        schema = _data_schema(op)
        if schema is not None:
            item_schema.setdefault(endpoint.sub or endpoint.resource, schema)
        body = _body_schema(op)
        if body is not None:
            inputs.setdefault(endpoint.resource, set()).update(_properties(schemas, body))
        for value in endpoint.expands:
            _mark_expandable(schemas, expandable, item_schema.get(endpoint.resource), value)
    resources = {
        name: _resource(name, schema, schemas, frozenset(inputs.get(name, ())), expandable.get(schema, set()))
        for name, schema in item_schema.items()
    }
    return resources, endpoints


def _classify(method: str, path: str, op: Mapping[str, Any], document: Mapping[str, Any], base: str) -> Endpoint:
    segments = path.strip("/").split("/")
    params = [follow_refs(document, p) for p in op.get("parameters", [])]
    query = {p["name"]: p for p in params if p["in"] == "query"}
    expand = query.get("expand", {}).get("schema", {}).get("items", {})
    expands = frozenset(follow_refs(document, expand).get("enum", ())) if expand else frozenset()
    sorts = tuple(query.get("sort", {}).get("schema", {}).get("enum", ()))
    filters = tuple(name for name in query if name not in ("page", "page_size", "sort", "expand"))
    key = next((_PARAM.fullmatch(s).group(1) for s in segments[1:2] if _PARAM.fullmatch(s)), None)  # type: ignore[union-attr]
    by_field = _FIELD_KEY.fullmatch(segments[1]) if len(segments) > 1 else None
    if by_field is not None:
        key = by_field.group(2)
    if len(segments) == 1:
        action = {"get": "list", "post": "create"}[method]
    elif len(segments) == 2:
        action = {"get": "get", "patch": "update", "put": "update", "delete": "delete"}[method]
    else:
        action = "sublist"
    sub = segments[2] if len(segments) == 3 else None
    success = min((int(code) for code in op.get("responses", {}) if str(code).startswith("2")), default=200)
    key_field = None if by_field is None else by_field.group(1)
    return Endpoint(op["operationId"], action, segments[0], sub, key, expands, sorts, filters, key_field, success, base)


def _data_schema(op: Mapping[str, Any]) -> str | None:
    for status in ("200", "201"):
        schema = op.get("responses", {}).get(status, {}).get("content", {}).get("application/json", {}).get("schema")
        if schema is None:
            continue
        data = schema.get("properties", {}).get("data", {})
        ref = data.get("items", data).get("$ref")
        if ref is not None:
            return str(ref.rsplit("/", 1)[1])
    return None


def _body_schema(op: Mapping[str, Any]) -> str | None:
    schema = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
    ref = schema.get("$ref")
    return None if ref is None else str(ref.rsplit("/", 1)[1])


def _properties(schemas: Mapping[str, Any], name: str) -> dict[str, Any]:
    return dict(schemas[name].get("properties", {}))


def _mark_expandable(schemas: Mapping[str, Any], marks: dict[str, set[str]], schema: str | None, value: str) -> None:
    # "variations.stock_item": `variations` is expandable on the resource, `stock_item` on a Variation.
    for part in value.split("."):
        if schema is None:
            return
        marks.setdefault(schema, set()).add(part)
        prop = _properties(schemas, schema).get(part, {})
        ref = prop.get("items", prop).get("$ref")
        schema = None if ref is None else ref.rsplit("/", 1)[1]


def _resource(
    name: str, schema: str, schemas: Mapping[str, Any], writable: frozenset[str], expandable: set[str]
) -> Resource:
    props = _properties(schemas, schema)
    # A relation the spec types as an object but no `expand` offers (a Variation's stock_item outside the
    # products expand) is still shown only on expansion: oneOf relations never belong to the base shape.
    expandable |= {key for key, prop in props.items() if "oneOf" in prop}
    fields = tuple(key for key in props if key not in expandable)
    translation = props.get("translations", {}).get("items", {}).get("$ref")
    translatable = (
        tuple(key for key in _properties(schemas, translation.rsplit("/", 1)[1]) if key != "language")
        if translation
        else ()
    )
    return Resource(
        name=name,
        schema=schema,
        fields=fields,
        defaults={key: _default(props[key], schemas) for key in fields},
        writable=writable,
        expandable=frozenset(expandable),
        translatable=translatable,
        read_only=frozenset(key for key, prop in props.items() if prop.get("readOnly") or key not in writable),
    )


def _default(prop: Mapping[str, Any], schemas: Mapping[str, Any]) -> Any:
    """The value of a field nobody set: null where the spec allows it, else the type's empty value."""
    kind = prop.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    if "null" in kinds:
        return None
    if "$ref" in prop:
        return {}
    empty: dict[str | None, Any] = {"string": "", "integer": 0, "number": 0.0, "boolean": False, "array": []}
    return empty.get(kinds[0], None)
