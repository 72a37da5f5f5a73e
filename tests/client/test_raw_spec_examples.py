"""Every example in the vendors' own documents (the RAW specs, before any overlay) decodes with the patched
client: response bodies through the operation's own `_parse_response` (so the status picks the schema, as
on the wire), request bodies and schema examples through their model's `from_dict`.

The raw specs are what a real server is most likely to send: the vendor wrote these examples from it.
Parameter examples are not bodies and are left out (`test_example_census` counts every kind).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import typing
from functools import cache
from types import ModuleType
from typing import Any

import httpx
import pytest

from specforge import _yaml
from specforge.apis import load_apis
from specforge.validate import Example, iter_examples

APIS = load_apis()
_BODY = re.compile(r"^/paths/(?P<path>[^/]+)/(?P<method>[a-z]+)/(?:requestBody|responses/(?P<status>[^/]+))/content/")
_SCHEMA = re.compile(r"^/components/schemas/(?P<name>[^/]+)(?:/properties/(?P<prop>[^/]+))?/examples?(?:/\d+)?$")


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


@cache
def _raw(api: str) -> dict[str, Any]:
    document = _yaml.load(APIS[api].spec_path)
    assert isinstance(document, dict)
    return document


@cache
def _endpoints(api: str) -> dict[str, ModuleType]:
    """Generated endpoint modules by name (`get_order`), imported from `<package>.api.<tag>`."""
    root = importlib.import_module(f"{APIS[api].package}.api")
    modules = {}
    for tag in pkgutil.iter_modules(root.__path__):
        package = importlib.import_module(f"{root.__name__}.{tag.name}")
        for info in pkgutil.iter_modules(package.__path__):
            modules[info.name] = importlib.import_module(f"{package.__name__}.{info.name}")
    return modules


@cache
def _models(api: str) -> dict[str, type[Any]]:
    module = importlib.import_module(f"{APIS[api].package}.models")
    return {name.lower(): getattr(module, name) for name in module.__all__}


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).replace("-", "_").lower()


def _endpoint(api: str, path: str, method: str) -> ModuleType:
    operation = _raw(api)["paths"][path][method]
    return _endpoints(api)[_snake(operation["operationId"])]


def _client(api: str) -> Any:
    return importlib.import_module(f"{APIS[api].package}.client").Client(base_url="https://api.test", strict=False)


def _decodes_response(api: str, example: Example, match: re.Match[str]) -> None:
    path, method, status = _unescape(match["path"]), match["method"], match["status"]
    endpoint = _endpoint(api, path, method)
    code = 500 if status == "default" else int(status.replace("X", "0"))
    request = httpx.Request(method.upper(), "https://api.test" + path.split("?")[0])
    response = httpx.Response(code, json=example.value, request=request)
    parsed, _deviations, fits = endpoint._parse_response(client=_client(api), response=response)
    assert fits, f"{example.pointer}: {method.upper()} {path} {code} does not decode"
    assert parsed is not None or example.value in (None, {}, []), f"{example.pointer}: decoded to None"


def _decodes_request(api: str, example: Example, match: re.Match[str]) -> None:
    endpoint = _endpoint(api, _unescape(match["path"]), match["method"])
    body_type = typing.get_type_hints(endpoint._get_kwargs)["body"]
    candidates = [t for t in typing.get_args(body_type) or (body_type,) if hasattr(t, "from_dict")]
    assert candidates, f"{example.pointer}: no model for the request body"
    failures = []
    for model in candidates:
        try:
            model.from_dict(example.value)
            return
        except (KeyError, TypeError, ValueError) as error:
            failures.append(f"{model.__name__}: {error!r}")
    pytest.fail(f"{example.pointer}: {failures}")


def _decodes_schema_example(api: str, example: Example, match: re.Match[str]) -> None:
    model = _models(api)[match["name"].replace("_", "").replace("-", "").lower()]
    value = {_unescape(match["prop"]): example.value} if match["prop"] else example.value
    model.from_dict(value)


def _kind(example: Example) -> str:
    body = _BODY.match(example.pointer)
    if body:
        return "response" if body["status"] else "request"
    schema = _SCHEMA.match(example.pointer)
    if schema:
        return "property" if schema["prop"] else "schema"
    return "parameter" if "/parameters/" in example.pointer or "/headers/" in example.pointer else "nested"


def _required(api: str, name: str) -> bool:
    schema = _raw(api)["components"]["schemas"].get(name, {})
    return bool(schema.get("required"))


def _cases() -> list[Any]:
    cases = []
    for api in APIS:
        for example in iter_examples(_raw(api)):
            kind = _kind(example)
            schema = _SCHEMA.match(example.pointer)
            if kind in ("response", "request", "schema") or (
                kind == "property" and schema and not _required(api, _unescape(schema["name"]))
            ):
                cases.append(pytest.param(api, kind, example, id=f"{api}:{example.pointer}"))
    return cases


@pytest.mark.parametrize(("api", "kind", "example"), _cases())
def test_raw_spec_example_decodes(api: str, kind: str, example: Example) -> None:
    if kind == "response":
        _decodes_response(api, example, _BODY.match(example.pointer))  # type: ignore[arg-type]
    elif kind == "request":
        _decodes_request(api, example, _BODY.match(example.pointer))  # type: ignore[arg-type]
    else:
        _decodes_schema_example(api, example, _SCHEMA.match(example.pointer))  # type: ignore[arg-type]


@pytest.mark.parametrize("api", list(APIS))
def test_example_census(api: str) -> None:
    """The walk finds the vendor's bodies: every API documents response and request examples."""
    kinds = [_kind(example) for example in iter_examples(_raw(api))]
    assert kinds.count("response") > 0
    assert kinds.count("request") > 0
