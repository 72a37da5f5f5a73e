"""Breaking changes between two patched specs, named with oasdiff's rule ids, classified by vendor policy.

oasdiff (the established differ, whose ids reviewers know from its changelogs) is a Go program and
can't be installed from the registries this project uses, so this is a reimplementation of the part
of it that our specs exercise: paths, operations, parameters, request bodies, responses and their
schemas (types and formats, properties, `required`, enums, nullability, length/range/items/pattern
constraints). Rule ids are oasdiff's (`checker/localizations_src/en/messages.yaml`): note that it
splits a removed response property into `response-optional-property-removed` and
`response-required-property-removed`.

Classification follows the vendors' own compatibility policies, which agree:
Mash v1.2 ("Clients should expect that backwards compatible updates are done ... limited to: adding
new API methods, adding new fields to JSON objects, adding new values to enumerations") and
MyCashflow v1 ("Any updates to the current 1.x.x series will only entail bug fixes and new features
with guaranteed backward compatibility"). So additions are compatible, and so is loosening what a
client must send (a parameter becoming optional, a limit raised), since no client can break on it;
everything else is breaking, including oasdiff's warnings (a new response enum value is compatible
here because the vendor says so and our clients decode unknown values to `UNKNOWN`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..openapi import Operation, iter_operations, resolve

__all__ = ["COMPATIBLE_RULES", "POLICY", "Change", "diff_specs"]

POLICY = (
    "additions (operations, optional request fields, response fields, enum values) and loosened request "
    "constraints are compatible; removing or renaming anything, changing a type or format, making something "
    "required or tightening a constraint is breaking (Mash v1.2 update policy; MyCashflow: 1.x is backward-compatible)"
)

COMPATIBLE_RULES = frozenset(
    {
        "endpoint-added",
        "endpoint-deprecated",
        "api-operation-id-added",
        "api-security-removed",
        "new-optional-request-parameter",
        "request-parameter-became-optional",
        "request-parameter-enum-value-added",
        "added-optional-request-body",
        "request-body-became-optional",
        "request-body-media-type-added",
        "new-optional-request-property",
        "request-property-became-optional",
        "request-property-enum-value-added",
        "request-property-became-nullable",
        "request-parameter-became-nullable",
        "response-optional-property-added",
        "response-required-property-added",
        "response-property-became-required",
        "response-property-became-not-nullable",
        "response-property-enum-value-added",
        "response-success-status-added",
        "response-non-success-status-added",
        "response-media-type-added",
        *(
            f"{prefix}-{loosened}"
            for prefix in ("request-parameter", "request-body", "request-property")
            for loosened in (
                "max-length-increased",
                "max-length-unset",
                "min-length-decreased",
                "max-increased",
                "max-unset",
                "min-decreased",
                "min-unset",
                "max-items-increased",
                "max-items-unset",
                "min-items-decreased",
                "pattern-removed",
            )
        ),
    }
)


@dataclass(frozen=True)
class Change:
    """One difference: oasdiff rule id, where (operation + place in it), what, and the policy's verdict."""

    rule: str
    location: str
    message: str

    @property
    def breaking(self) -> bool:
        return self.rule not in COMPATIBLE_RULES


def diff_specs(base: dict[str, Any], head: dict[str, Any]) -> list[Change]:
    """Every change between two patched specs, in a stable order (breaking first, then by location)."""
    changes = list(_SpecDiff(base, head).run())
    unique = {(c.rule, c.location, c.message): c for c in changes}
    return sorted(unique.values(), key=lambda c: (not c.breaking, c.location, c.rule, c.message))


def _template(path: str) -> str:
    # /orders/{id} and /orders/{orderId} are one HTTP endpoint; the parameter rename shows up separately
    return re.sub(r"\{[^}]*\}", "{}", path)


def _types(schema: dict[str, Any]) -> tuple[set[str], bool]:
    """Declared types without "null", and whether null is allowed (3.1 type list or 3.0 `nullable`)."""
    raw = schema.get("type")
    types = (
        {raw} if isinstance(raw, str) else {t for t in raw if isinstance(t, str)} if isinstance(raw, list) else set()
    )
    nullable = "null" in types or schema.get("nullable") is True
    return types - {"null"}, nullable


def _flatten(document: dict[str, Any], schema: Any) -> dict[str, Any]:
    """Resolve `$ref` and merge `allOf` members, so a schema split into parts compares as one."""
    schema, _ = resolve(document, schema)
    if not isinstance(schema, dict):
        return {}
    if not isinstance(schema.get("allOf"), list):
        return schema
    merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
    for part in schema["allOf"]:
        flat = _flatten(document, part)
        for key, value in flat.items():
            if key == "properties" and isinstance(value, dict):
                merged["properties"] = {**merged.get("properties", {}), **value}
            elif key == "required" and isinstance(value, list):
                merged["required"] = [*merged.get("required", []), *value]
            else:
                merged.setdefault(key, value)
    return merged


class _SpecDiff:
    def __init__(self, base: dict[str, Any], head: dict[str, Any]) -> None:
        self.base, self.head = base, head

    def run(self) -> Iterator[Change]:
        base_ops = {(_template(op.path), op.method): op for op in iter_operations(self.base)}
        head_ops = {(_template(op.path), op.method): op for op in iter_operations(self.head)}
        head_paths = {_template(op.path) for op in head_ops.values()}
        for key, op in base_ops.items():
            if key in head_ops:
                yield from self._operation(op, head_ops[key])
                continue
            deprecated = op.node.get("deprecated") is True
            if key[0] in head_paths:
                rule = "api-removed-before-sunset" if deprecated else "api-removed-without-deprecation"
            else:
                rule = "api-path-removed-before-sunset" if deprecated else "api-path-removed-without-deprecation"
            yield Change(rule, op.label, "operation removed" + (" (it was deprecated)" if deprecated else ""))
        for key, op in head_ops.items():
            if key not in base_ops:
                yield Change(
                    "endpoint-added", op.label, f"operation added: {op.node.get('summary') or ''}".rstrip(": ")
                )

    def _operation(self, old: Operation, new: Operation) -> Iterator[Change]:
        at = new.label
        old_id, new_id = old.node.get("operationId"), new.node.get("operationId")
        if old_id and old_id != new_id:
            yield Change("api-operation-id-removed", at, f"operationId {old_id!r} changed to {new_id!r}")
        elif new_id and not old_id:
            yield Change("api-operation-id-added", at, f"operationId {new_id!r} added")
        if new.node.get("deprecated") is True and old.node.get("deprecated") is not True:
            yield Change("endpoint-deprecated", at, "operation deprecated")
        yield from self._security(old, new, at)
        yield from self._parameters(old, new, at)
        yield from self._request_body(old.node.get("requestBody"), new.node.get("requestBody"), at)
        yield from self._responses(old.node.get("responses"), new.node.get("responses"), at)

    def _security(self, old: Operation, new: Operation, at: str) -> Iterator[Change]:
        def schemes(document: dict[str, Any], op: Operation) -> set[str]:
            requirements = op.node.get("security", document.get("security")) or []
            return {",".join(sorted(req)) for req in requirements if isinstance(req, dict)}

        before, after = schemes(self.base, old), schemes(self.head, new)
        for name in sorted(after - before):
            yield Change("api-security-added", at, f"security requirement {name or '(none)'!r} added")
        for name in sorted(before - after):
            yield Change("api-security-removed", at, f"security requirement {name or '(none)'!r} removed")

    def _parameters(self, old: Operation, new: Operation, at: str) -> Iterator[Change]:
        before = {(p.get("in"), p.get("name")): p for p in old.parameters}
        after = {(p.get("in"), p.get("name")): p for p in new.parameters}
        for (where, name), param in before.items():
            label = f"{at} {where}:{name}"
            if (where, name) not in after:
                yield Change("request-parameter-removed", label, f"{where} parameter {name!r} removed")
                continue
            current = after[(where, name)]
            if current.get("required") is True and param.get("required") is not True:
                yield Change("request-parameter-became-required", label, f"{where} parameter {name!r} became required")
            elif param.get("required") is True and current.get("required") is not True:
                yield Change("request-parameter-became-optional", label, f"{where} parameter {name!r} became optional")
            before_wire, after_wire = _serialization(param), _serialization(current)
            if before_wire != after_wire:  # not an oasdiff rule: it has no check for style/explode
                yield Change(
                    "request-parameter-serialization-changed",
                    label,
                    f"style/explode changed from {before_wire} to {after_wire}: the wire format differs",
                )
            yield from _SchemaDiff(
                self, "request", label, root="request-parameter", nested="request-parameter"
            ).compare(param.get("schema"), current.get("schema"), "")
        for (where, name), param in after.items():
            if (where, name) in before:
                continue
            label = f"{at} {where}:{name}"
            if where == "path":
                yield Change("new-request-path-parameter", label, f"path parameter {name!r} added")
            elif param.get("required") is True:
                yield Change("new-required-request-parameter", label, f"required {where} parameter {name!r} added")
            else:
                yield Change("new-optional-request-parameter", label, f"optional {where} parameter {name!r} added")

    def _request_body(self, old: Any, new: Any, at: str) -> Iterator[Change]:
        old, _ = resolve(self.base, old) if old is not None else (None, None)
        new, _ = resolve(self.head, new) if new is not None else (None, None)
        label = f"{at} request"
        if not isinstance(old, dict) and not isinstance(new, dict):
            return
        if not isinstance(new, dict):
            yield Change("request-body-removed", label, "request body removed")
            return
        if not isinstance(old, dict):
            required = new.get("required") is True
            rule = "added-required-request-body" if required else "added-optional-request-body"
            yield Change(rule, label, f"{'required' if required else 'optional'} request body added")
            return
        if new.get("required") is True and old.get("required") is not True:
            yield Change("request-body-became-required", label, "request body became required")
        elif old.get("required") is True and new.get("required") is not True:
            yield Change("request-body-became-optional", label, "request body became optional")
        before, after = old.get("content") or {}, new.get("content") or {}
        for media in sorted(before.keys() - after.keys()):
            yield Change("request-body-media-type-removed", f"{label}[{media}]", f"media type {media} removed")
        for media in sorted(after.keys() - before.keys()):
            yield Change("request-body-media-type-added", f"{label}[{media}]", f"media type {media} added")
        for media in sorted(before.keys() & after.keys()):
            yield from _SchemaDiff(
                self, "request", f"{label}[{media}]", root="request-body", nested="request-property"
            ).compare(before[media].get("schema"), after[media].get("schema"), "")

    def _responses(self, old: Any, new: Any, at: str) -> Iterator[Change]:
        before = {str(k): v for k, v in (old or {}).items()} if isinstance(old, dict) else {}
        after = {str(k): v for k, v in (new or {}).items()} if isinstance(new, dict) else {}
        for status in sorted(before.keys() | after.keys()):
            kind = "success" if status.startswith("2") else "non-success"
            label = f"{at} response[{status}]"
            if status not in after:
                yield Change(f"response-{kind}-status-removed", label, f"response status {status} removed")
                continue
            if status not in before:
                yield Change(f"response-{kind}-status-added", label, f"response status {status} added")
                continue
            old_response, _ = resolve(self.base, before[status])
            new_response, _ = resolve(self.head, after[status])
            old_content = (old_response or {}).get("content") or {}
            new_content = (new_response or {}).get("content") or {}
            for media in sorted(old_content.keys() - new_content.keys()):
                yield Change("response-media-type-removed", f"{label}[{media}]", f"media type {media} removed")
            for media in sorted(new_content.keys() - old_content.keys()):
                yield Change("response-media-type-added", f"{label}[{media}]", f"media type {media} added")
            for media in sorted(old_content.keys() & new_content.keys()):
                yield from _SchemaDiff(
                    self, "response", f"{label}[{media}]", root="response-body", nested="response-property"
                ).compare(old_content[media].get("schema"), new_content[media].get("schema"), "")


_TIGHTENED = (
    # keyword, bigger-is-tighter, rule stem when tightened, when loosened, when set, when unset
    ("maxLength", False, "max-length-decreased", "max-length-increased", "max-length-set", "max-length-unset"),
    ("minLength", True, "min-length-increased", "min-length-decreased", "min-length-set", "min-length-unset"),
    ("maximum", False, "max-decreased", "max-increased", "max-set", "max-unset"),
    ("minimum", True, "min-increased", "min-decreased", "min-set", "min-unset"),
    ("maxItems", False, "max-items-decreased", "max-items-increased", "max-items-set", "max-items-unset"),
    ("minItems", True, "min-items-increased", "min-items-decreased", "min-items-set", "min-items-unset"),
)


class _SchemaDiff:
    """Compares two schemas in one direction: what a client sends (request) or receives (response)."""

    def __init__(self, spec: _SpecDiff, direction: str, label: str, *, root: str, nested: str) -> None:
        self.spec, self.direction, self.label = spec, direction, label
        self.root, self.nested = root, nested
        self.stack: set[tuple[int, int]] = set()

    def _change(self, path: str, stem: str, message: str) -> Change:
        prefix = self.nested if path else self.root
        where = f"{self.label} {path}" if path else self.label
        subject = f"property {path}" if path else ("parameter" if self.root == "request-parameter" else "body")
        return Change(f"{prefix}-{stem}", where, f"{subject}: {message}")

    def compare(self, old: Any, new: Any, path: str) -> Iterator[Change]:
        if old is None or new is None:
            return
        old, new = _flatten(self.spec.base, old), _flatten(self.spec.head, new)
        key = (id(old), id(new))
        if key in self.stack:  # a recursive schema: this pair is already being compared further up
            return
        self.stack.add(key)
        try:
            yield from self._compare(old, new, path)
        finally:
            self.stack.discard(key)

    def _compare(self, old: dict[str, Any], new: dict[str, Any], path: str) -> Iterator[Change]:
        (old_types, old_null), (new_types, new_null) = _types(old), _types(new)
        if old_types and new_types and (old_types != new_types or old.get("format") != new.get("format")):
            before = f"{'|'.join(sorted(old_types))}/{old.get('format') or ''}".rstrip("/")
            after = f"{'|'.join(sorted(new_types))}/{new.get('format') or ''}".rstrip("/")
            yield self._change(path, "type-changed", f"type/format changed from {before} to {after}")
        if old_null != new_null:
            stem = "became-nullable" if new_null else "became-not-nullable"
            yield self._change(path, stem, stem.replace("-", " "))
        yield from self._enum(old, new, path)
        if self.direction == "request":
            yield from self._constraints(old, new, path)
        yield from self._properties(old, new, path)
        if isinstance(old.get("items"), dict) and isinstance(new.get("items"), dict):
            yield from self.compare(old["items"], new["items"], f"{path}/items" if path else "items")

    def _enum(self, old: dict[str, Any], new: dict[str, Any], path: str) -> Iterator[Change]:
        if not isinstance(old.get("enum"), list) or not isinstance(new.get("enum"), list):
            return
        for value in old["enum"]:
            if value not in new["enum"]:
                yield self._change(path, "enum-value-removed", f"enum value {value!r} removed")
        for value in new["enum"]:
            if value not in old["enum"]:
                yield self._change(path, "enum-value-added", f"enum value {value!r} added")

    def _constraints(self, old: dict[str, Any], new: dict[str, Any], path: str) -> Iterator[Change]:
        for keyword, bigger_is_tighter, tighter, looser, was_set, was_unset in _TIGHTENED:
            before, after = old.get(keyword), new.get(keyword)
            if before == after:
                continue
            if before is None:
                stem = was_set
            elif after is None:
                stem = was_unset
            else:
                stem = tighter if (after > before) == bigger_is_tighter else looser
            yield self._change(path, stem, f"{keyword} changed from {before} to {after}")
        if old.get("pattern") != new.get("pattern"):
            stem = (
                "pattern-added"
                if old.get("pattern") is None
                else "pattern-removed"
                if new.get("pattern") is None
                else "pattern-changed"
            )
            yield self._change(path, stem, f"pattern changed from {old.get('pattern')!r} to {new.get('pattern')!r}")

    def _properties(self, old: dict[str, Any], new: dict[str, Any], path: str) -> Iterator[Change]:
        before, after = old.get("properties") or {}, new.get("properties") or {}
        if not isinstance(before, dict) or not isinstance(after, dict):
            return
        old_required, new_required = set(old.get("required") or []), set(new.get("required") or [])
        hidden = "readOnly" if self.direction == "request" else "writeOnly"  # never sent / never received
        for name, schema in before.items():
            sub = f"{path}/{name}" if path else name
            if _flag(self.spec.base, schema, hidden):
                continue
            if name not in after:
                if self.direction == "request":
                    yield Change("request-property-removed", f"{self.label} {sub}", f"property {sub}: removed")
                else:
                    kind = "required" if name in old_required else "optional"
                    yield Change(f"response-{kind}-property-removed", f"{self.label} {sub}", f"property {sub}: removed")
                continue
            was, now = name in old_required, name in new_required
            if was != now:
                stem = "became-required" if now else "became-optional"
                yield Change(
                    f"{self.direction}-property-{stem}",
                    f"{self.label} {sub}",
                    f"property {sub}: {stem.replace('-', ' ')}",
                )
            yield from self.compare(schema, after[name], sub)
        for name, schema in after.items():
            if name in before or _flag(self.spec.head, schema, hidden):
                continue
            sub = f"{path}/{name}" if path else name
            kind = "required" if name in new_required else "optional"
            rule = f"new-{kind}-request-property" if self.direction == "request" else f"response-{kind}-property-added"
            yield Change(rule, f"{self.label} {sub}", f"property {sub}: added ({kind})")


def _serialization(param: dict[str, Any]) -> str:
    """Effective style/explode (OpenAPI defaults: form+explode in query and cookie, simple elsewhere)."""
    style = param.get("style") or ("form" if param.get("in") in ("query", "cookie") else "simple")
    explode = param.get("explode", style == "form")
    return f"{style}/{'explode' if explode else 'no-explode'}"


def _flag(document: dict[str, Any], schema: Any, flag: str) -> bool:
    resolved, _ = resolve(document, schema)
    return isinstance(resolved, dict) and resolved.get(flag) is True
