"""Quirk probes for the MyCashflow reference: each returns True while its quirk is still in a spec."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from specforge.ledger import ProbeRegistry
from specforge.openapi import iter_operations

PROBES = ProbeRegistry("mycashflow")

_TIMESTAMPS = ("created_at", "updated_at", "changed_at", "archived_at", "completed_at", "delivered_at")
_RANGE_FILTER = re.compile(r"_at-(from|to)$")


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _schemas(spec: Mapping[str, Any]) -> Mapping[str, Any]:
    return _mapping(_mapping(spec.get("components")).get("schemas"))


def _properties(spec: Mapping[str, Any]) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
    """Yield (schema name, property name, property schema) for every component schema."""
    for schema_name, schema in _schemas(spec).items():
        for prop_name, prop in _mapping(_mapping(schema).get("properties")).items():
            yield schema_name, prop_name, _mapping(prop)


def _operations(spec: Mapping[str, Any]) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
    """Yield (path, method, operation) for every operation."""
    for operation in iter_operations(spec):
        yield operation.path, operation.method, operation.node


def _parameters(operation: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    parameters = operation.get("parameters")
    if isinstance(parameters, list):
        yield from (_mapping(p) for p in parameters)


def _resolve(spec: Mapping[str, Any], node: Mapping[str, Any]) -> Mapping[str, Any]:
    """Follow a local `#/components/schemas/...` reference (one level is all this spec uses)."""
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
        return _mapping(_schemas(spec).get(ref.rsplit("/", 1)[-1]))
    return node


def _types(schema: Mapping[str, Any]) -> set[str]:
    declared = schema.get("type")
    if isinstance(declared, str):
        return {declared}
    if isinstance(declared, list):
        return {t for t in declared if isinstance(t, str)}
    return set()


@PROBES.quirk("MCF-Q01")
def translations_items_untyped(spec: Mapping[str, Any]) -> bool:
    """Translatable resources type `translations` items as "any" (no type, reference or properties)."""
    for _schema, prop_name, prop in _properties(spec):
        if prop_name != "translations":
            continue
        items = _resolve(spec, _mapping(prop.get("items")))
        if not ({"type", "properties"} & items.keys()):
            return True
    return False


@PROBES.quirk("MCF-Q02")
def page_defaults_to_zero(spec: Mapping[str, Any]) -> bool:
    """List operations document `page` with default 0 although `meta.page` counts from 1."""
    for _path, _method, operation in _operations(spec):
        for parameter in _parameters(operation):
            if parameter.get("name") == "page" and _mapping(parameter.get("schema")).get("default") == 0:
                return True
    return False


@PROBES.quirk("MCF-Q03")
def expand_is_single_string(spec: Mapping[str, Any]) -> bool:
    """`expand` is typed as one string although it takes a comma-separated list."""
    for _path, _method, operation in _operations(spec):
        for parameter in _parameters(operation):
            if parameter.get("name") != "expand":
                continue
            schema = _mapping(parameter.get("schema"))
            if "array" not in _types(schema) or parameter.get("explode") is not False:
                return True
    return False


@PROBES.quirk("MCF-Q04")
def error_responses_missing(spec: Mapping[str, Any]) -> bool:
    """Operations list no 400/401/422 (nor 404 for item paths, 409 for updates and deletes)."""
    for _path, method, operation in _operations(spec):
        codes = set(_mapping(operation.get("responses")))
        expected = {"400", "401", "422"}
        if any(p.get("in") == "path" for p in _parameters(operation)):
            expected.add("404")
        if method in {"patch", "delete"}:
            expected.add("409")
        if not expected <= codes:
            return True
    return False


@PROBES.quirk("MCF-Q05")
def server_fields_not_read_only(spec: Mapping[str, Any]) -> bool:
    """`id`, `created_at` and `updated_at` of the resources are not marked readOnly."""
    return any(
        prop_name in {"id", "created_at", "updated_at"} and prop.get("readOnly") is not True
        for _schema, prop_name, prop in _properties(spec)
    )


@PROBES.quirk("MCF-Q06")
def date_times_without_format(spec: Mapping[str, Any]) -> bool:
    """Timestamps and `*_at-from`/`*_at-to` filters are strings without `format: date-time`."""
    for _schema, prop_name, prop in _properties(spec):
        if prop_name in _TIMESTAMPS and prop.get("format") != "date-time":
            return True
    for _path, _method, operation in _operations(spec):
        for parameter in _parameters(operation):
            name = parameter.get("name")
            schema = _mapping(parameter.get("schema"))
            formats = {schema.get("format")} | {_mapping(s).get("format") for s in schema.get("anyOf", ())}
            if isinstance(name, str) and _RANGE_FILTER.search(name) and "date-time" not in formats:
                return True
    return False


@PROBES.quirk("MCF-Q07")
def ids_without_minimum(spec: Mapping[str, Any]) -> bool:
    """Integer `id` properties carry no `minimum: 1` although path identifiers are >= 1."""
    for _schema, prop_name, prop in _properties(spec):
        if prop_name == "id" and "integer" in _types(prop):
            minimum = prop.get("minimum")
            if not isinstance(minimum, int) or minimum < 1:
                return True
    return False


def _accepts_empty_array(spec: Mapping[str, Any], prop: Mapping[str, Any]) -> bool:
    branches = [prop]
    for keyword in ("oneOf", "anyOf"):
        listed = prop.get(keyword)
        if isinstance(listed, list):
            branches.extend(_mapping(b) for b in listed)
    return any("array" in _types(_resolve(spec, branch)) for branch in branches)


@PROBES.quirk("MCF-Q08")
def empty_to_one_expansion_rejected(spec: Mapping[str, Any]) -> bool:
    """`brand`/`stock_item` accept only an object, but the API sends `[]` when the relation is absent."""
    schemas = _schemas(spec)
    for schema_name, prop_name in (("Product", "brand"), ("Product", "stock_item"), ("Variation", "stock_item")):
        prop = _mapping(_mapping(_mapping(schemas.get(schema_name)).get("properties")).get(prop_name))
        if prop and not _accepts_empty_array(spec, prop):
            return True
    return False


@PROBES.quirk("MCF-Q09")
def trailing_slash_rule_prose_only(spec: Mapping[str, Any]) -> bool:
    """The no-trailing-slash rule lives only in prose: no server declares `x-trailing-slash`."""
    servers = spec.get("servers")
    if not isinstance(servers, list):
        return True
    return not any(_mapping(s).get("x-trailing-slash") == "forbidden" for s in servers)


@PROBES.quirk("MCF-Q10")
def meta_next_undocumented(spec: Mapping[str, Any]) -> bool:
    """The list `meta` object does not declare the `next` key the API sends."""
    meta = _mapping(_schemas(spec).get("Meta"))
    return "next" not in _mapping(meta.get("properties"))


@PROBES.quirk("MCF-Q11")
def banner_group_title_truncated(spec: Mapping[str, Any]) -> bool:
    """The banner group `title` description breaks off after "... and the"."""
    for schema_name, prop_name, prop in _properties(spec):
        if schema_name.startswith("BannerGroup") and prop_name == "title":
            description = prop.get("description")
            if isinstance(description, str) and description.rstrip().endswith("and the"):
                return True
    return False


@PROBES.quirk("MCF-Q12")
def product_create_200_undocumented(spec: Mapping[str, Any]) -> bool:
    """`POST /products` documents only 201, although the vendor's worked example reports 200 OK."""
    operation = _mapping(_mapping(_mapping(spec.get("paths")).get("/products")).get("post"))
    return bool(operation) and "200" not in _mapping(operation.get("responses"))


@PROBES.quirk("MCF-Q13")
def not_acceptable_undocumented(spec: Mapping[str, Any]) -> bool:
    """No operation documents 406, which the API returns without `Accept: application/json`."""
    return any("406" not in _mapping(op.get("responses")) for _path, _method, op in _operations(spec))


@PROBES.quirk("MCF-Q14")
def creates_with_unique_codes_lack_409(spec: Mapping[str, Any]) -> bool:
    """No create of a resource with a unique code documents 409 Conflict."""
    creates = {"/banner-groups", "/products", "/variations"}
    return all("409" not in spec["paths"][path]["post"].get("responses", {}) for path in creates)


@PROBES.quirk("MCF-Q20")
def product_create_documents_201(spec: Mapping[str, Any]) -> bool:
    """`POST /products` documents 201 Created, although the vendor's worked example says 200 OK."""
    operation = _mapping(_mapping(_mapping(spec.get("paths")).get("/products")).get("post"))
    return "201" in _mapping(operation.get("responses"))


@PROBES.quirk("MCF-Q21")
def range_filters_refuse_local_times(spec: Mapping[str, Any]) -> bool:
    """A `*_at-from`/`*_at-to` filter admits no date-time without a UTC offset (T3 sends such values)."""
    for _path, _method, operation in _operations(spec):
        for parameter in _parameters(operation):
            name = parameter.get("name")
            if not (isinstance(name, str) and _RANGE_FILTER.search(name)):
                continue
            schema = _mapping(parameter.get("schema"))
            patterns = [_mapping(s).get("pattern") for s in (schema, *schema.get("anyOf", ()))]
            if not any(isinstance(p, str) and re.fullmatch(p, "2020-05-02T13:26:54") for p in patterns):
                return True
    return False


# Issue 20: response fields every documented example carries, not marked required
# (overlays/mycashflow/20-response-required.yaml). Examples are validated against the patched schemas,
# so a required field missing from any example fails validation: the probes only look for `required`.
_RESOURCES = (
    "BannerGroup",
    "Brand",
    "Category",
    "Customer",
    "CustomerGroup",
    "Image",
    "Order",
    "PaymentMethod",
    "Product",
    "ShippingMethod",
    "StockItem",
    "Supplier",
    "Variation",
    "Version",
)


def _json_schema(response: object) -> Mapping[str, Any]:
    return _mapping(_mapping(_mapping(_mapping(response).get("content")).get("application/json")).get("schema"))


def _envelopes(spec: Mapping[str, Any], *, lists: bool) -> Iterator[Mapping[str, Any]]:
    """The inline `{data, meta}` (lists) or `{data}` (single item) schemas of every success response."""
    for _path, _method, operation in _operations(spec):
        for status, response in _mapping(operation.get("responses")).items():
            schema = _json_schema(response)
            properties = _mapping(schema.get("properties"))
            if str(status).startswith("2") and "data" in properties and ("meta" in properties) == lists:
                yield schema


@PROBES.quirk("MCF-Q40")
def list_data_meta_not_required(spec: Mapping[str, Any]) -> bool:
    """A list response does not require `data` and `meta`, though every list example carries both."""
    return any(not {"data", "meta"} <= set(s.get("required") or ()) for s in _envelopes(spec, lists=True))


@PROBES.quirk("MCF-Q41")
def item_data_not_required(spec: Mapping[str, Any]) -> bool:
    """A single-item response does not require `data`, though every such example carries it."""
    return any("data" not in (s.get("required") or ()) for s in _envelopes(spec, lists=False))


@PROBES.quirk("MCF-Q42")
def meta_counts_not_required(spec: Mapping[str, Any]) -> bool:
    """`meta` does not require page, page_size, page_count and item_count."""
    required = set(_mapping(_schemas(spec).get("Meta")).get("required") or ())
    return not {"page", "page_size", "page_count", "item_count"} <= required


@PROBES.quirk("MCF-Q43")
def resource_ids_and_times_not_required(spec: Mapping[str, Any]) -> bool:
    """A resource does not require `id`, `created_at` and `updated_at`, which every example of it carries."""
    schemas = _schemas(spec)
    return any(
        not {"id", "created_at", "updated_at"} <= set(_mapping(schemas.get(name)).get("required") or ())
        for name in _RESOURCES
    )
