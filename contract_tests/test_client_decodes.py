"""Client-side contract: for every JSON response of both patched specs, bodies drawn from the schema
(widened to admit unknown extra fields and unknown enum values, which both vendors add without notice)
decode through the operation's real parsing path (`sync_detailed` over an httpx.MockTransport), keep
every field, and round-trip through `to_dict`/`from_dict`. Half of the bodies have every nested model present
(`populated`); lists and unknown fields' values are kept small (`bounded`); responses that share a schema share
its budget (profiles.py), each drawing from its own seed.

Every documented response example of the patched specs is decoded here, and only here, through `sync_detailed`
with the status it documents (tests/client/test_decode_examples.py keeps request bodies and unknown fields at
model level; tests/client/test_raw_spec_examples.py decodes the vendors' raw examples).

Bodies come from schemathesis' JSON Schema engine (the one its own generation uses), not hypothesis-jsonschema:
its last release (0.23.1, 2024-02) calls `many.more()`, which hypothesis 6.170 no longer has, so every object
schema fails with "AttributeError: 'many' object has no attribute 'more'".
"""

from __future__ import annotations

import datetime
import enum
import importlib
import inspect
import json
import re
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from functools import cache
from typing import Any

import httpx
import pytest
from hypothesis import given, seed
from hypothesis import strategies as st
from schemathesis.generation.jsonschema.builder import build

from sdk_runtime import RetryPolicy
from specforge.apis import load_apis
from specforge.clients import load_object, operation_modules, snake_case
from specforge.openapi import inline_refs, iter_operations
from specforge.patched import load_patched

from .session import current

APIS = load_apis()
_METHODS = ("get", "put", "post", "delete", "patch")  # the methods the generated clients have modules for
# Annotations and vendor extensions: nothing a body must satisfy.
_DROP = {"example", "examples", "readOnly", "writeOnly", "deprecated", "description", "title", "discriminator", "xml"}


_FORMATS: dict[str, st.SearchStrategy[str]] = {
    "date-time": st.datetimes(
        min_value=datetime.datetime(1970, 1, 1),
        timezones=st.sampled_from([datetime.UTC, datetime.timezone(datetime.timedelta(hours=2))]),
    ).map(lambda moment: moment.isoformat().replace("+00:00", "Z")),
    "date": st.dates(min_value=datetime.date(1970, 1, 1)).map(datetime.date.isoformat),
}


def from_schema(schema: Any) -> st.SearchStrategy[Any]:
    """JSON values the (JSON Schema 2020-12) schema admits, with real dates where it names the format."""
    return build(schema, draft=20, formats=_FORMATS)


# Keywords whose values are data or maps of names, not subschemas: copied as they are by `_rebuilt`.
_DATA_KEYWORDS = ("properties", "enum", "const", "required")


def _rebuilt(schema: Any, finish: Callable[[dict[str, Any]], dict[str, Any]], keep: Callable[[str], bool]) -> Any:
    """`schema` rebuilt bottom-up: every subschema, each property's included, passed through `finish` once its own
    subschemas are rebuilt; keywords `keep` refuses are left out."""
    if isinstance(schema, list):
        return [_rebuilt(item, finish, keep) for item in schema]
    if not isinstance(schema, dict):
        return schema
    node = {
        key: value if key in _DATA_KEYWORDS else _rebuilt(value, finish, keep)
        for key, value in schema.items()
        if keep(key)
    }
    if "properties" in node:
        node["properties"] = {name: _rebuilt(value, finish, keep) for name, value in node["properties"].items()}
    return finish(node)


def _every_keyword(key: str) -> bool:
    return True


def admit_unknown(schema: Any) -> Any:
    """The schema a tolerant client must accept: enums also admit new values of their type; extra fields are
    allowed wherever the spec does not forbid them; annotations are dropped."""
    return _rebuilt(schema, _widen_enum, keep=lambda key: key not in _DROP and not key.startswith("x-"))


def _widen_enum(node: dict[str, Any]) -> dict[str, Any]:
    if "enum" in node:
        values = node.pop("enum")
        kinds = {
            "integer" if isinstance(v, int) and not isinstance(v, bool) else "string" for v in values if v is not None
        }
        declared = node.pop("type", None)
        types = sorted(kinds | ({"null"} if None in values or declared == "null" else set()))
        if isinstance(declared, list):
            types = sorted(set(types) | set(declared))
        node["anyOf"] = [{"enum": values}, {"type": types}]
    return node


# Size bounds of the drawn bodies. Unbounded, a Mash order body averaged 8 KB (up to 15 KB) of unknown fields
# nested in unknown fields, and about half of the draws overran hypothesis' choice buffer and were thrown away
# (measured: 10 valid Mash order bodies cost 20 draws, 3.7 s). The client code these bodies exercise is the same for
# a third list item as for the second, and for an unknown field's nested value as for a shallow one: keeping a
# field it does not know is one branch, whatever the value (issue 21).
_MAX_ITEMS = 3
_SCALARS = ["null", "boolean", "integer", "number", "string"]
_UNKNOWN_FIELD = {
    "anyOf": [
        {"type": _SCALARS},
        {"type": "array", "maxItems": 2, "items": {"type": _SCALARS}},
        {"type": "object", "maxProperties": 2, "additionalProperties": {"type": _SCALARS}},
    ]
}


def bounded(schema: Any) -> Any:
    """The schema with lists of at most a few items (or their documented minimum) and unknown fields' values
    shallow, wherever the spec leaves either open; nothing it documents is narrowed."""
    return _rebuilt(schema, _bound, keep=_every_keyword)


def _bound(node: dict[str, Any]) -> dict[str, Any]:
    declared = node.get("type")
    types: list[Any] = declared if isinstance(declared, list) else [declared]
    if "array" in types or "items" in node:
        node["maxItems"] = min(node.get("maxItems", _MAX_ITEMS), max(_MAX_ITEMS, node.get("minItems", 0)))
    if ("object" in types or "properties" in node) and not {"additionalProperties", "patternProperties"} & set(node):
        node["additionalProperties"] = _UNKNOWN_FIELD
    return node


def populated(schema: Any) -> Any:
    """The bodies of `schema` with every property that holds an object or a list present and every list non-empty,
    at every depth.

    Half of the drawn bodies come from here: an optional field (a MyCashflow v0 order has about forty) is drawn in
    a few of ten bodies at most, so whether a nested model (an order's products) was ever decoded was luck.
    These bodies still satisfy `schema`; the other half keep the present-or-absent, empty-or-not choices."""
    return _rebuilt(schema, _populate, keep=_every_keyword)


def _populate(node: dict[str, Any]) -> dict[str, Any]:
    if "properties" in node:
        containers = {
            name for name, value in node["properties"].items() if isinstance(value, dict) and _holds_containers(value)
        }
        node["required"] = sorted(set(node.get("required", [])) | containers)
    if "items" in node and node.get("maxItems", 1) >= 1:
        node["minItems"] = max(node.get("minItems", 0), 1)
    return node


def _holds_containers(schema: dict[str, Any]) -> bool:
    """Whether a value of `schema` can be an object with properties or a list (a nested model to decode)."""
    if "properties" in schema or "items" in schema:
        return True
    return any(_holds_containers(branch) for key in ("anyOf", "oneOf", "allOf") for branch in schema.get(key, []))


@cache
def _cases(api: str) -> list[tuple[str, str, int, dict[str, Any], list[tuple[str, Any]]]]:
    """(operationId, method path, status, widened schema, documented examples) for every JSON response."""
    document = load_patched(api).document
    cases = []
    for op in iter_operations(document, _METHODS):
        for status, raw in op.node["responses"].items():
            media = inline_refs(document, raw).get("content", {}).get("application/json")
            if not media or "schema" not in media or not status.isdigit():
                continue
            examples = [(name, ex["value"]) for name, ex in (media.get("examples") or {}).items() if "value" in ex]
            if "example" in media:
                examples.append(("example", media["example"]))
            cases.append(
                (op.node["operationId"], op.label, int(status), bounded(admit_unknown(media["schema"])), examples)
            )
    return cases


class _AnyBody:
    """A request body for an endpoint whose request is never looked at (the transport answers regardless)."""

    def to_dict(self) -> dict[str, Any]:
        return {}


def _argument(annotation: Any) -> Any:
    if annotation is str:
        return "1"
    if annotation is int:
        return 1
    if annotation is datetime.datetime:
        return datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    if annotation is datetime.date:
        return datetime.date(2024, 1, 1)
    if inspect.isclass(annotation) and issubclass(annotation, enum.Enum):
        return next(iter(annotation))
    return _AnyBody()


def _required_arguments(function: Any) -> dict[str, Any]:
    return {
        name: _argument(parameter.annotation)
        for name, parameter in inspect.signature(function).parameters.items()
        if name != "client" and parameter.default is inspect.Parameter.empty
    }


def _client(api: str, status: int, body: Any) -> AbstractContextManager[Any]:
    """The API's SDK client (its `sdk` binding), else the generated client, answered by `transport` only."""
    content = json.dumps(body).encode()
    transport = httpx.MockTransport(
        lambda request: httpx.Response(status, content=content, headers={"Content-Type": "application/json"})
    )
    # strict: a body drawn from the patched spec must decode without a single tolerated deviation.
    binding = APIS[api].sdk
    if binding is not None:
        arguments = binding.build_arguments("contract", "contract")
        client: AbstractContextManager[Any] = load_object(binding.client)(
            **arguments, transport=transport, retry=RetryPolicy.disabled(), strict=True
        )
        return client
    generated = importlib.import_module(f"{APIS[api].package}.client")
    server = load_patched(api).document.get("servers") or [{"url": "https://api.invalid"}]
    return generated.AuthenticatedClient(  # type: ignore[no-any-return]
        base_url=server[0]["url"],
        username="contract",
        password="contract",
        strict=True,
        httpx_args={"transport": transport},
    )


def _same_shape(sent: Any, decoded: Any, where: str = "$") -> Iterator[str]:
    """Every key and list position of the body survives decoding and encoding (values may be re-typed)."""
    if isinstance(sent, dict):
        if not isinstance(decoded, dict):
            yield f"{where}: an object became {type(decoded).__name__}"
            return
        if set(sent) != set(decoded):
            yield f"{where}: keys {sorted(set(sent) ^ set(decoded))} dropped or invented"
        for key in set(sent) & set(decoded):
            yield from _same_shape(sent[key], decoded[key], f"{where}.{key}")
    elif isinstance(sent, list):
        if not isinstance(decoded, list) or len(sent) != len(decoded):
            yield f"{where}: a list of {len(sent)} came back as {decoded!r:.60}"
            return
        for index, (a, b) in enumerate(zip(sent, decoded, strict=True)):
            yield from _same_shape(a, b, f"{where}[{index}]")
    elif isinstance(sent, str) and isinstance(decoded, str) and not _is_datetime_like(sent):
        if sent != decoded:
            yield f"{where}: {sent!r} came back as {decoded!r}"


def _is_datetime_like(value: str) -> bool:
    return bool(re.fullmatch(r"\d{4}-\d\d-\d\d([T ].*)?", value))


def _decode_and_round_trip(api: str, operation_id: str, status: int, body: Any) -> None:
    module = operation_modules(APIS[api].package)[snake_case(operation_id)]
    with _client(api, status, body) as client:
        response = module.sync_detailed(**_required_arguments(module.sync_detailed), client=client)
    assert int(response.status_code) == status
    parsed = response.parsed
    assert parsed is not None, f"{operation_id} {status}: the client did not decode a documented response"
    items = parsed if isinstance(parsed, list) else [parsed]
    bodies = body if isinstance(parsed, list) else [body]
    for item, sent in zip(items, bodies, strict=True):
        if not hasattr(item, "to_dict"):
            continue
        encoded = item.to_dict()
        json.dumps(encoded)
        problems = list(_same_shape(sent, encoded))
        assert not problems, f"{operation_id} {status}: " + "; ".join(problems[:5])
        assert type(item).from_dict(encoded) == item


@cache
def _sharing(api: str) -> Counter[str]:
    """How many JSON responses of `api` have each widened schema (keyed by its canonical JSON)."""
    return Counter(_schema_key(schema) for _, _, _, schema, _ in _cases(api))


def _schema_key(schema: Any) -> str:
    return json.dumps(schema, sort_keys=True)


def _params() -> list[Any]:
    return [
        pytest.param(api, operation_id, status, schema, id=f"{api}:{label}:{status}")
        for api in sorted(APIS)
        for operation_id, label, status, schema, _ in _cases(api)
    ]


def _example_params() -> list[Any]:
    return [
        pytest.param(api, operation_id, status, value, id=f"{api}:{label}:{status}:{name}")
        for api in sorted(APIS)
        for operation_id, label, status, _, examples in _cases(api)
        for name, value in examples
    ]


def test_every_json_response_is_covered() -> None:
    for api in APIS:
        endpoints = operation_modules(APIS[api].package)
        operations = {operation_id for operation_id, *_ in _cases(api)}
        assert sorted(op for op in operations if snake_case(op) not in endpoints) == []
        assert len(operations) >= 9, f"{api}: suspiciously few operations with a JSON response"


@pytest.mark.parametrize(("api", "operation_id", "status", "schema"), _params())
def test_schema_valid_bodies_decode_and_round_trip(
    api: str, operation_id: str, status: int, schema: Any, request: pytest.FixtureRequest
) -> None:
    profile = current().profile

    # Each response draws its own bodies: under one run seed (or derandomized) every test would otherwise draw the
    # same sequence, and the 160 MyCashflow responses sharing the error schema the same bodies 160 times. Mixed
    # from the run's seed, so --hypothesis-seed still replays a run.
    @seed(zlib.crc32(f"{request.config.option.hypothesis_seed}:{request.node.name}".encode()))
    @profile.hypothesis(profile.bodies(api, _sharing(api)[_schema_key(schema)]))
    @given(body=st.one_of(from_schema(populated(schema)), from_schema(schema)))
    def decodes(body: Any) -> None:
        _decode_and_round_trip(api, operation_id, status, body)

    decodes()


@pytest.mark.parametrize(("api", "operation_id", "status", "example"), _example_params())
def test_documented_response_examples_decode_through_the_endpoint(
    api: str, operation_id: str, status: int, example: Any
) -> None:
    _decode_and_round_trip(api, operation_id, status, example)


@st.composite
def _widened_enum_value(draw: st.DrawFn) -> tuple[Any, Any]:
    schema = {"type": "string", "enum": ["Approved", "Pending"]}
    return admit_unknown(schema), draw(from_schema(admit_unknown(schema)))


@given(_widened_enum_value())
def test_widened_enums_still_admit_the_documented_values(pair: tuple[Any, Any]) -> None:
    schema, value = pair
    assert schema["anyOf"][0] == {"enum": ["Approved", "Pending"]} and isinstance(value, str)
