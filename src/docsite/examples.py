"""Each operation's example: a short script calling it through the SDK client, as a user would.

Written from our own generated code (module and model names, read from the committed client) and from the
spec's documented example values turned into Python literals; spec text never becomes code: every value is
`repr` of parsed JSON, checked with `ast.literal_eval`. tests/website/test_examples.py runs each page's block
against the API's simulator.
"""

from __future__ import annotations

import ast
import inspect
import pprint
import typing
from collections.abc import Mapping
from typing import Any

from openapi_python_client.strings import PythonIdentifier

from specforge.apis import API
from specforge.clients import load_object, operation_module
from specforge.openapi import Operation, follow_refs

__all__ = ["ExampleError", "example", "parameter_value", "request_example", "schema_example"]

_PLACEHOLDERS = {"integer": 1, "number": 1.0, "boolean": True, "string": "1"}


class ExampleError(ValueError):
    """No example can be written for an operation (the page generator reports which)."""


def _literal(value: Any, indent: int) -> str:
    """`value` (parsed JSON) as a Python literal, wrapped at 100 columns and indented for the block."""
    text = pprint.pformat(value, width=100 - indent, sort_dicts=False)
    if ast.literal_eval(text) != value:  # e.g. a float JSON can hold and Python cannot write (inf)
        raise ExampleError(f"{value!r} has no exact Python literal")
    return text.replace("\n", "\n" + " " * indent)


def _media_example(media: Mapping[str, Any]) -> tuple[bool, Any]:
    if "example" in media:
        return True, media["example"]
    examples = media.get("examples")
    if isinstance(examples, Mapping) and examples:
        first = next(iter(examples.values()))
        if isinstance(first, Mapping) and "value" in first:
            return True, first["value"]
    return False, None


def schema_example(document: Mapping[str, Any], schema: Mapping[str, Any], depth: int = 0) -> Any:  # noqa: PLR0911
    """A value for `schema`: its own example, else its required properties' values (for a body no one documented)."""
    schema = follow_refs(document, schema)
    for key in ("example", "default", "const"):
        if key in schema:
            return schema[key]
    if schema.get("enum"):
        return schema["enum"][0]
    if depth > 8:  # a recursive schema: stop with the smallest value
        return None
    for key in ("allOf", "anyOf", "oneOf"):
        if schema.get(key):
            return schema_example(document, schema[key][0], depth + 1)
    kind = schema.get("type")
    kind = next((k for k in kind if k != "null"), "string") if isinstance(kind, list) else kind
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        return {
            name: schema_example(document, properties.get(name, {}), depth + 1) for name in schema.get("required", [])
        }
    if kind == "array":
        return []
    if kind == "string" and schema.get("format") == "date-time":
        return "2026-01-01T00:00:00Z"
    return _PLACEHOLDERS.get(kind if isinstance(kind, str) else "string", "1")


def request_example(document: Mapping[str, Any], operation: Operation) -> tuple[str, Any]:
    """("documented" | "schema" | "", value): the operation's JSON request example, else one its schema gives."""
    body = operation.node.get("requestBody")
    if not isinstance(body, Mapping):
        return "", None
    media = follow_refs(document, body).get("content", {}).get("application/json")
    if not isinstance(media, Mapping):
        return "", None
    found, value = _media_example(media)
    if found:
        return "documented", value
    return "schema", schema_example(document, media.get("schema") or {})


def parameter_value(document: Mapping[str, Any], parameter: Mapping[str, Any]) -> Any:
    """The parameter's documented example, else its enum's first value or default, else a placeholder."""
    schema = follow_refs(document, parameter.get("schema") or {})
    found, value = _media_example(parameter)
    if found:
        return value
    for key in ("example", "default"):
        if key in schema:
            return schema[key]
    if schema.get("enum"):
        return schema["enum"][0]
    kind = schema.get("type")
    return _PLACEHOLDERS.get(kind if isinstance(kind, str) else "string", "1")


def _argument(annotation: Any, value: Any, imports: list[str]) -> str:
    """A parameter's value as the generated function takes it: a literal, or a date-time / enum built from one."""
    literal = _literal(value, 8)
    if not inspect.isclass(annotation) or annotation in (str, int, float, bool, list, dict):
        return literal
    module, name = annotation.__module__, annotation.__qualname__
    if module == "datetime":
        imports.append("import datetime")
        return f"datetime.{name}.fromisoformat({literal})"
    imports.append(f"from {module} import {name}")
    return f"{name}({literal})"  # an enum of the generated package, by value


def _body_class(function: Any) -> type | None:
    hints = typing.get_type_hints(function)
    annotation = hints.get("body")
    return annotation if inspect.isclass(annotation) and hasattr(annotation, "from_dict") else None


def example(api: API, document: Mapping[str, Any], operation: Operation) -> str:
    """The example script of one operation (Python source)."""
    if api.sdk is None or operation.operation_id is None:
        raise ExampleError(f"{api.name}: {operation.method.upper()} {operation.path} has no SDK client or operationId")
    module = operation_module(api.package, operation.operation_id)
    client_class, error_class = load_object(api.sdk.client), load_object(api.sdk.error)
    by_name = {_python_name(p["name"]): p for p in operation.parameters}
    hints = typing.get_type_hints(module.sync)
    imports = [f"from {module.__name__.rsplit('.', 1)[0]} import {module.__name__.rsplit('.', 1)[1]}"]
    lines: list[str] = []
    positional: list[str] = []
    keywords: list[str] = []
    for name, parameter in inspect.signature(module.sync).parameters.items():
        if name == "client":
            keywords.append("client=client")
        elif name == "body":
            source, value = request_example(document, operation)
            body_class = _body_class(module.sync)
            if not source or body_class is None:
                if parameter.default is not inspect.Parameter.empty:
                    continue
                raise ExampleError(f"{api.name}: {operation.operation_id} documents no JSON request example")
            imports.append(f"from {body_class.__module__} import {body_class.__name__}")
            lines.append(f"body = {body_class.__name__}.from_dict(\n    {_literal(value, 4)}\n)")
            keywords.append("body=body")
        elif name in by_name:
            spec_parameter = by_name[name]
            if parameter.default is not inspect.Parameter.empty and not spec_parameter.get("required"):
                continue  # optional: the example stays short
            value = _argument(hints.get(name), parameter_value(document, spec_parameter), imports)
            if parameter.kind is inspect.Parameter.KEYWORD_ONLY:
                keywords.append(f"{name}={value}")
            else:
                positional.append(value)
        elif parameter.default is inspect.Parameter.empty:
            raise ExampleError(f"{api.name}: {operation.operation_id}: no spec parameter for argument {name!r}")
    client, error = client_class.__name__, error_class.__name__
    imports.append(
        f"from {client_class.__module__.split('.')[0]} import {client}"
        + (f", {error}" if error_class.__module__.split(".")[0] == client_class.__module__.split(".")[0] else "")
    )
    arguments = ", ".join([*positional, *keywords])
    call = f"{module.__name__.rsplit('.', 1)[1]}.sync({arguments})"
    script = [
        *sorted(set(imports)),
        "",
        *lines,
        f"with {client}.from_env() as client:  # {', '.join(v.name for v in client_class.env_vars)}: see Client",
        "    try:",
        f"        result = {call}",
        f"    except {error} as error:  # one subclass per error family: see Errors",
        '        print(f"{type(error).__name__}: HTTP {error.status_code}")',
        "    else:",
        "        print(result)",
    ]
    return "\n".join(script) + "\n"


def _python_name(name: str) -> str:
    """The generator's argument name for a parameter (`orderId` → `order_id`, `page-size` → `page_size`)."""
    return str(PythonIdentifier(name, prefix=""))  # the generator's own rule, not a copy of it
