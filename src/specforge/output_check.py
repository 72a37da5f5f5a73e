"""Checks a freshly built client before it may replace generated/.

openapi-python-client exits 0 on output that cannot be imported (`default: 1.0e+400` becomes `= inf`)
or that silently drops what the spec says (a property `to_dict` replacing the method, a parameter
`params` overwritten by the request's own query dict, enum values merged by sanitising). Three checks,
cheapest first: the patched spec for names the generator mangles, the generated code's syntax trees for
a name bound twice, and one child process that imports every generated module, with a time limit.
"""

from __future__ import annotations

import ast
import math
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from openapi_python_client.parser.properties.string import StringProperty
from openapi_python_client.strings import in_double_quote_literal, snake_case

from .errors import SpecforgeError
from .jsonpointer import pointer

__all__ = ["GenerationCheckError", "code_problems", "import_problems", "spec_problems"]

IMPORT_TIMEOUT = 120.0  # seconds for importing every module of every client; ~2 s for both of ours
UNKNOWN_MEMBER = "UNKNOWN"  # the pseudo-member codegen/templates/str_enum.py.jinja adds for unlisted values


class GenerationCheckError(SpecforgeError):
    """The generator succeeded but its output is broken: a failed check (exit 1), generated/ untouched."""


def _walk(node: Any, at: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    stack = [(at, node)]
    while stack:
        where, item = stack.pop()
        yield where, item
        if isinstance(item, dict):
            stack.extend(((*where, key), value) for key, value in reversed(item.items()))
        elif isinstance(item, list):
            stack.extend(((*where, index), value) for index, value in reversed(list(enumerate(item))))


def _enum_key(value: str, index: int) -> str:
    """The member name openapi-python-client 0.29.1 gives a string enum value (EnumProperty.values_from_list)."""
    key = value.upper() if value and value[0].isalpha() else f"VALUE_{index}"
    return snake_case(key).upper()


def _as_default(value: str) -> str:
    """The string a generated default/const holds: the generator's own conversion, read back."""
    converted = StringProperty.convert_value(value)
    return str(ast.literal_eval(converted.python_code.as_unembedded_code())) if converted is not None else value


# String formats the generator gives a property class of its own (its default is not written by defaults.jinja).
_OWN_CLASS_FORMATS = frozenset({"date", "date-time", "binary", "uuid"})


def _written_as_repr(node: dict[str, Any], key: str) -> bool:
    """Whether codegen/templates/defaults.jinja writes this default: one of a plain string schema (a single
    `type: string`, no enum, const or format with a class of its own), as repr() of the spec's value."""
    return (
        key == "default"
        and node.get("type") == "string"
        and "enum" not in node
        and "const" not in node
        and node.get("format") not in _OWN_CLASS_FORMATS
        and not node.get("nullable")  # OpenAPI 3.0's nullable string is a union: the generator writes it
    )


def _as_enum_value(value: str) -> str:
    """The string a generated enum member holds (str_enum.py.jinja writes it inside "...")."""
    return str(ast.literal_eval(f'"{in_double_quote_literal(value)}"'))


def spec_problems(document: dict[str, Any]) -> list[str]:
    """What in the patched spec the generator would turn into broken or lossy code, by JSON pointer."""
    problems: list[str] = []
    for at, node in _walk(document):
        where = pointer(*at) or "/"
        if isinstance(node, float) and not math.isfinite(node):
            # YAML/JSON `1.0e+400` reads as infinity: no float holds the spec's number, and JSON cannot carry
            # infinity, so a client with this default could neither equal the spec nor send it. Refused.
            problems.append(
                f"{where}: {node!r} is not a finite number: the spec's value is beyond the largest float "
                "(about 1.8e308), so the client cannot hold it and JSON cannot send infinity; write a finite number"
            )
        if not isinstance(node, dict):
            continue
        for key in ("default", "const"):
            value = node.get(key)
            if isinstance(value, str) and not _written_as_repr(node, key):
                written = _as_default(value)
                if written != value:
                    problems.append(f"{pointer(*at, key)}: the client would hold {written!r}, not {value!r}")
        values = node.get("enum")
        if isinstance(values, list) and values and all(isinstance(v, str) for v in values):
            seen: dict[str, str] = {}
            for index, value in enumerate(values):
                member, written = _enum_key(value, index), _as_enum_value(value)
                if written != value:
                    problems.append(f"{pointer(*at, 'enum', index)}: the client would hold {written!r}, not {value!r}")
                if member == UNKNOWN_MEMBER:
                    problems.append(
                        f"{pointer(*at, 'enum', index)}: enum value {value!r} becomes member {UNKNOWN_MEMBER}, the "
                        "name the client reserves for values the spec does not list"
                    )
                elif member in seen:
                    problems.append(
                        f"{pointer(*at, 'enum', index)}: enum values {seen[member]!r} and {value!r} both become "
                        f"member {member}"
                    )
                seen.setdefault(member, value)
    return problems


def _bound_names(body: list[ast.stmt]) -> Iterator[tuple[str, int]]:
    """Names a class or module body binds: imports, classes, functions, assignments, annotations."""
    for statement in body:
        if isinstance(statement, ast.Import | ast.ImportFrom):
            for alias in statement.names:
                yield (alias.asname or alias.name).split(".")[0], statement.lineno
        elif isinstance(statement, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            if not any(isinstance(d, ast.Name) and d.id == "overload" for d in statement.decorator_list):
                yield statement.name, statement.lineno
        elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            yield statement.target.id, statement.lineno
        elif isinstance(statement, ast.Assign):
            for target in statement.targets:
                if isinstance(target, ast.Name):
                    yield target.id, statement.lineno


def _twice(body: list[ast.stmt], skip: frozenset[str] = frozenset()) -> Iterator[tuple[str, int]]:
    first: dict[str, int] = {}
    for name, line in _bound_names(body):
        if name in first and name not in skip:
            yield name, line
        first.setdefault(name, line)


def _rebound_parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[tuple[str, int]]:
    arguments = function.args
    parameters = {a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign | ast.AugAssign):
            targets = [node.target]
        else:
            continue
        for target in targets:
            if isinstance(target, ast.Name) and target.id in parameters:
                yield target.id, node.lineno


def code_problems(package_dir: Path) -> list[str]:
    """A name bound twice in one scope of the generated code: the second silently replaces the first
    (a schema `Unset` over the imported sentinel, a property `to_dict` over the method, a query parameter
    `params` overwritten by the request's own dict)."""
    problems: list[str] = []
    for path in sorted(package_dir.rglob("*.py")):
        rel = path.relative_to(package_dir.parent).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=rel)
        for name, line in _twice(tree.body, skip=frozenset({"T"})):
            problems.append(f"{rel}:{line}: `{name}` is defined twice at module level")
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                for name, line in _twice(node.body):
                    problems.append(f"{rel}:{line}: class {node.name}: `{name}` is defined twice")
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for name, line in _rebound_parameters(node):
                    problems.append(f"{rel}:{line}: {node.name}(): parameter `{name}` is overwritten in the body")
    return problems


_IMPORT_ALL = """
import importlib, pkgutil, sys
failed = 0
for folder, package in zip(sys.argv[1::2], sys.argv[2::2]):
    sys.path.insert(0, folder)
    root = importlib.import_module(package)
    for module in pkgutil.walk_packages(root.__path__, package + ".", onerror=lambda name: None):
        try:
            importlib.import_module(module.name)
        except BaseException as err:
            failed += 1
            print(f"{module.name}: {type(err).__name__}: {err}")
sys.exit(1 if failed else 0)
"""


def import_problems(clients: list[tuple[Path, str]], timeout: float = IMPORT_TIMEOUT) -> list[str]:
    """Import every module of every (client folder, package) in one isolated child process, within `timeout`."""
    arguments = [str(part) for folder, package in clients for part in (folder, package)]
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    try:
        result = subprocess.run(
            [sys.executable, "-I", "-B", "-c", _IMPORT_ALL, *arguments],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return [f"importing the generated modules took more than {timeout:g}s"]
    if result.returncode == 0:
        return []
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    return lines or [f"import check exited {result.returncode}: {result.stderr.strip()[-2000:]}"]
