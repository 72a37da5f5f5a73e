"""Lint rules: small registered checks, one function each, with an id, a severity and a rationale.

Rule ids reuse Spectral's and Redocly's names where one of their built-in rules checks the same
thing (`operation-operationId`, `operation-summary`, `operation-4xx-response`, `security-defined`,
`path-keys-no-trailing-slash`, `path-not-include-query`), so a reviewer who knows those linters
recognises them. We don't run those linters themselves: both are Node.js programs, and putting
Node into a review that otherwise needs only the pinned Python toolchain would make CI depend on
an npm install for six one-line checks. They also can't do the two rules this project needs
most: `yaml-ambiguous-scalar` must read the YAML text (after loading, `NO` is already `False`),
and `query-array-form-no-explode` encodes an assumption of our own client template.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

import yaml

from .. import _yaml
from ..errors import SpecforgeError
from ..jsonpointer import pointer
from ..openapi import iter_operations

__all__ = ["RULES", "Finding", "LintInput", "Rule", "Source", "lint", "rule"]

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Source:
    """A YAML file as written (the raw spec or an overlay): `label` is its repo-relative path."""

    label: str
    text: str


@dataclass(frozen=True)
class LintInput:
    """What the rules look at: the patched document, and the YAML texts it was made from."""

    document: dict[str, Any]
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True)
class Finding:
    """One rule violation. `location` is stable across edits (no line numbers); `line` is for display."""

    rule: str
    severity: str
    location: str
    message: str
    line: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.rule, self.location)


@dataclass(frozen=True)
class Rule:
    """A registered check."""

    id: str
    severity: Severity
    rationale: str
    check: Callable[[LintInput], Iterator[tuple[str, str] | tuple[str, str, str]]]


RULES: dict[str, Rule] = {}


def rule(
    rule_id: str, severity: Severity
) -> Callable[
    [Callable[[LintInput], Iterator[Any]]],
    Callable[[LintInput], Iterator[Any]],
]:
    """Register a check; it yields (location, message[, line]) and its docstring is its rationale."""

    def register(func: Callable[[LintInput], Iterator[Any]]) -> Callable[[LintInput], Iterator[Any]]:
        if rule_id in RULES:
            raise ValueError(f"review rule {rule_id!r} registered twice")
        rationale = (func.__doc__ or "").strip().splitlines()[0] if func.__doc__ else ""
        if not rationale:
            raise ValueError(f"review rule {rule_id!r} needs a one-line rationale (its docstring)")
        RULES[rule_id] = Rule(rule_id, severity, rationale, func)
        return func

    return register


def lint(target: LintInput, rules: dict[str, Rule] | None = None) -> list[Finding]:
    """Run every registered rule; findings sorted by rule and location."""
    findings: list[Finding] = []
    for registered in (rules or RULES).values():
        for hit in registered.check(target):
            line = hit[2] if len(hit) > 2 else None
            findings.append(Finding(registered.id, registered.severity, hit[0], hit[1], line))
    return sorted(findings, key=lambda f: (f.rule, f.location, f.message))


@rule("operation-operationId", "error")
def operation_operation_id(target: LintInput) -> Iterator[tuple[str, str]]:
    """The generated client names each function after its operationId; without one the name is guessed."""
    for op in iter_operations(target.document):
        if not str(op.node.get("operationId") or "").strip():
            yield op.label, "operation has no operationId"


@rule("operation-operationId-unique", "error")
def operation_operation_id_unique(target: LintInput) -> Iterator[tuple[str, str]]:
    """Two operations with one operationId generate two functions with one name: one silently wins."""
    ops = [op for op in iter_operations(target.document) if op.node.get("operationId")]
    counts = Counter(str(op.node["operationId"]) for op in ops)
    for op in ops:
        if counts[str(op.node["operationId"])] > 1:
            yield (
                op.label,
                f"operationId {op.node['operationId']!r} is used by {counts[op.node['operationId']]} operations",
            )


@rule("operation-summary", "warning")
def operation_summary(target: LintInput) -> Iterator[tuple[str, str]]:
    """The summary is the generated function's docstring and the changelog's name for the operation."""
    for op in iter_operations(target.document):
        if not str(op.node.get("summary") or "").strip():
            yield op.label, "operation has no summary"


@rule("operation-4xx-response", "warning")
def operation_4xx_response(target: LintInput) -> Iterator[tuple[str, str]]:
    """Without a documented error response the client can only return an untyped body when a call fails."""
    for op in iter_operations(target.document):
        responses = op.node.get("responses")
        codes = [str(code) for code in responses] if isinstance(responses, dict) else []
        if not any(code.startswith("4") or code == "default" for code in codes):
            yield op.label, "no 4XX or default response documented"


@rule("security-defined", "error")
def security_defined(target: LintInput) -> Iterator[tuple[str, str]]:
    """Every operation states how it authenticates (`security: []` for a deliberately public one)."""
    document = target.document
    schemes = ((document.get("components") or {}).get("securitySchemes")) or {}
    top = document.get("security")
    for op in iter_operations(document):
        requirements = op.node.get("security", top)
        if requirements is None:
            yield op.label, "no security requirement (neither on the operation nor at the top level)"
            continue
        for requirement in requirements if isinstance(requirements, list) else []:
            for name in requirement if isinstance(requirement, dict) else []:
                if name not in schemes:
                    yield op.label, f"security scheme {name!r} is not defined in components.securitySchemes"


@rule("path-keys-no-trailing-slash", "error")
def path_keys_no_trailing_slash(target: LintInput) -> Iterator[tuple[str, str]]:
    """MyCashflow answers a trailing `/` with an error, and Mash documents none: a path ending in `/` is a typo."""
    for path in target.document.get("paths") or {}:
        if len(path) > 1 and path.endswith("/"):
            yield pointer("paths", path), f"path {path!r} ends with '/'"


@rule("path-not-include-query", "error")
def path_not_include_query(target: LintInput) -> Iterator[tuple[str, str]]:
    """A query string in a path key is sent verbatim and escapes parameter handling; declare `in: query`."""
    for path in target.document.get("paths") or {}:
        if "?" in path:
            yield pointer("paths", path), f"path {path!r} contains a query string"


@rule("query-array-form-no-explode", "error")
def query_array_form_no_explode(target: LintInput) -> Iterator[tuple[str, str]]:
    """Our client template joins list query parameters with commas: only `style: form, explode: false` says so."""
    for op in iter_operations(target.document):
        for param in op.parameters:
            schema = param.get("schema")
            types = schema.get("type") if isinstance(schema, dict) else None
            is_array = types == "array" or (isinstance(types, list) and "array" in types)
            if param.get("in") != "query" or not is_array:
                continue
            if param.get("style") != "form" or param.get("explode") is not False:
                yield (
                    f"{op.label} query:{param.get('name')}",
                    f"array query parameter has style={param.get('style')!r}, explode={param.get('explode')!r};"
                    " expected style: form, explode: false",
                )


# --- yaml-ambiguous-scalar ----------------------------------------------------------------------

_STR = "tag:yaml.org,2002:str"
_YAML11_ONLY_BOOL = re.compile(r"^(yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|y|Y|n|N)$")
_YAML11_ONLY_NUMBER = re.compile(r"^[-+]?(0b[01_]+|[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?|[0-9]+_[0-9_]+|0[0-7]+)$")
_VALUE_KEYS = ("enum", "example", "examples", "default", "const")
_TYPE_OF_TAG = {
    "tag:yaml.org,2002:bool": "boolean",
    "tag:yaml.org,2002:int": "integer",
    "tag:yaml.org,2002:float": "number",
    "tag:yaml.org,2002:null": "null",
}


@rule("yaml-ambiguous-scalar", "error")
def yaml_ambiguous_scalar(target: LintInput) -> Iterator[tuple[str, str, str]]:
    """Unquoted `NO`, `on` or `1.0` become a boolean or a number when loaded; quote values meant as strings."""
    for source in target.sources:
        try:
            root = _yaml.compose(source.text, source.label)
        except SpecforgeError:
            continue  # an unparseable file is reported by the loader with its position, not here
        if root is not None:
            for where, node, reason in _ambiguous(root, ()):
                line = f"{source.label}:{node.start_mark.line + 1}:{node.start_mark.column + 1}"
                yield f"{source.label} {pointer(*where)}", f"unquoted {node.value!r} {reason}", line


def _ambiguous(node: yaml.Node, at: tuple[str | int, ...]) -> Iterator[Any]:
    """Plain scalars under enum/example/default/const that YAML 1.1 loads as something else."""
    if isinstance(node, yaml.MappingNode):
        types = _declared_types(node)
        for key_node, value in node.value:
            key = str(key_node.value)
            if key in _VALUE_KEYS:
                yield from _values(value, (*at, key), types, top=key in ("enum", "examples"))
            else:
                yield from _ambiguous(value, (*at, key))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _ambiguous(item, (*at, index))


def _values(node: yaml.Node, at: tuple[str | int, ...], declared: set[str] | None, *, top: bool) -> Iterator[Any]:
    if isinstance(node, yaml.ScalarNode):
        reason = _scalar_problem(node, declared)
        if reason:
            yield at, node, reason
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            # enum: [..] and examples: [..] items are values of the declared type; deeper ones are not
            yield from _values(item, (*at, index), declared if top else None, top=False)
    elif isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            yield from _values(value, (*at, str(key_node.value)), None, top=False)


def _scalar_problem(node: yaml.ScalarNode, declared: set[str] | None) -> str | None:
    # Plain style is None from the pure-Python composer and "" from libyaml's.
    if node.style or node.tag == _STR:  # quoted, or a plain scalar YAML keeps as a string
        return None
    if node.tag == "tag:yaml.org,2002:bool" and _YAML11_ONLY_BOOL.match(node.value):
        return "is a boolean in YAML 1.1 (PyYAML) but a string in YAML 1.2"
    if node.tag == "tag:yaml.org,2002:int" and _YAML11_ONLY_NUMBER.match(node.value):
        return "is a number in YAML 1.1 (PyYAML) but a string in YAML 1.2"
    loaded_as = _TYPE_OF_TAG.get(node.tag)
    if declared and "string" in declared and loaded_as and loaded_as not in declared:
        if not (loaded_as == "integer" and "number" in declared):
            return f"loads as {loaded_as}, but the schema's type is string"
    return None


def _declared_types(mapping: yaml.MappingNode) -> set[str] | None:
    """`type` of this schema, or of its `schema` (for a parameter or media type holding an example)."""
    fields = {str(k.value): v for k, v in mapping.value}
    node = fields.get("type")
    if node is None and isinstance(fields.get("schema"), yaml.MappingNode):
        node = {str(k.value): v for k, v in fields["schema"].value}.get("type")
    if isinstance(node, yaml.ScalarNode):
        return {str(node.value)}
    if isinstance(node, yaml.SequenceNode):
        return {str(item.value) for item in node.value if isinstance(item, yaml.ScalarNode)}
    return None
