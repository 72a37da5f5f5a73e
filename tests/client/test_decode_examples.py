"""Every documented body example has a generated model; request-body examples survive a to_dict/from_dict round
trip, and every body keeps a field the vendor adds without notice.

Response examples are decoded once, through the operation's real parsing path (`sync_detailed`), by
contract_tests/test_client_decodes.py::test_documented_response_examples_decode_through_the_endpoint; this module
used to decode them a second time at model level."""

from __future__ import annotations

import importlib
import json
from functools import cache
from typing import Any

import pytest

from specforge.apis import load_apis
from specforge.jsonpointer import resolve
from specforge.patched import load_patched
from specforge.validate import Example, iter_examples

APIS = load_apis()


@cache
def _models(api: str) -> dict[str, type[Any]]:
    module = importlib.import_module(f"{APIS[api].package}.models")
    return {name.lower(): getattr(module, name) for name in module.__all__}


@cache
def _document(api: str) -> dict[str, Any]:
    return load_patched(api).document


def _model_for(api: str, pointer: str) -> tuple[type[Any], bool] | None:
    """The generated model class for the schema at `pointer`: a component ref, a list of them, or an
    inline body that openapi-python-client names after the operation (`<OperationId>Response<status>`)."""
    document = _document(api)
    schema = resolve(document, pointer)
    if not isinstance(schema, dict):
        return None
    many = schema.get("type") == "array" and "$ref" in (schema.get("items") or {})
    ref = schema["items"]["$ref"] if many else schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
        name = ref.rsplit("/", 1)[1]
    elif schema.get("type") == "object" and pointer.startswith("/paths/"):
        parts = pointer.split("/")
        operation = resolve(document, "/".join(parts[:4]))
        suffix = f"response{parts[5]}" if parts[4] == "responses" else "body"
        name = f"{operation['operationId']}{suffix}"
    else:
        return None
    model = _models(api).get(name.replace("_", "").replace("-", "").lower())
    return (model, many) if model is not None else None


def _body_examples(api: str) -> list[Any]:
    """Media-type examples (request and response bodies) whose schema names a component."""
    cases = []
    document = _document(api)
    for example in iter_examples(document):
        if "/content/" not in example.pointer:
            continue
        model = _model_for(api, example.schema_pointer)
        if model is not None:
            cases.append(pytest.param(api, example, id=f"{api}:{example.pointer}"))
    return cases


def _all_cases() -> list[Any]:
    return [case for api in APIS for case in _body_examples(api)]


def _request_cases() -> list[Any]:
    """Request-body examples: what no contract test decodes (responses go through the endpoints there)."""
    return [case for case in _all_cases() if "/requestBody/" in case.values[1].pointer]


@pytest.mark.parametrize("api", list(APIS))
def test_every_json_body_example_has_a_model(api: str) -> None:
    """No documented body slips through untested because its schema is inline."""
    document = _document(api)
    untyped = [
        example.pointer
        for example in iter_examples(document)
        if "/content/application~1json/" in example.pointer
        and isinstance(example.value, dict | list)
        and _model_for(api, example.schema_pointer) is None
    ]
    assert untyped == []
    assert _body_examples(api), f"{api}: no body examples found"


@pytest.mark.parametrize(("api", "example"), _request_cases())
def test_documented_request_example_round_trips(api: str, example: Example) -> None:
    model, many = _model_for(api, example.schema_pointer) or (None, False)
    assert model is not None
    values = example.value if many else [example.value]
    for value in values:
        decoded = model.from_dict(value)
        encoded = decoded.to_dict()
        json.dumps(encoded)  # what the client sends must be JSON
        assert set(encoded) == set(value), "a field was dropped or invented"
        assert model.from_dict(encoded) == decoded


@pytest.mark.parametrize(("api", "example"), _all_cases())
def test_unknown_fields_are_kept_not_rejected(api: str, example: Example) -> None:
    """The vendors add fields without notice: a new field must decode and survive the round trip."""
    model, many = _model_for(api, example.schema_pointer) or (None, False)
    assert model is not None
    value = (example.value[0] if many and example.value else example.value) or {}
    decoded = model.from_dict({**value, "fieldAddedWithoutNotice": {"nested": [1, "two"]}})
    assert decoded.to_dict()["fieldAddedWithoutNotice"] == {"nested": [1, "two"]}
