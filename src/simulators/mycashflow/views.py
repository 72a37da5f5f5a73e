"""An item as the API shows it: its base fields, plus the expansions a request asked for."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .resources import Resource
from .rules import Rules
from .state import Record, StoreState
from .writes import render_translations

__all__ = ["Expansions", "parse_expand", "render"]

Expansions = dict[str, frozenset[str]]  # top-level expansion → the nested ones under it ("variations" → {"stock_item"})


def parse_expand(values: Iterable[str]) -> Expansions:
    """`variations.stock_item` expands `variations` and, inside each variation, `stock_item`."""
    found: dict[str, set[str]] = {}
    for value in values:
        head, _, rest = value.partition(".")
        found.setdefault(head, set())
        if rest:
            found[head].add(rest)
    return {head: frozenset(rest) for head, rest in found.items()}


def render(state: StoreState, resource: Resource, rules: Rules, record: Record, expand: Expansions) -> Record:
    """The stored record itself when nothing is expanded (no copy: the hot path), else a copy with expansions."""
    if "id" not in resource.fields:  # ids are internal where the spec shows none (webhooks: a uuid)
        return {key: value for key, value in record.items() if key != "id"}
    if not expand:
        return record
    out = dict(record)
    extra = state.table(resource.name).extra.get(record["id"], {})
    for name, nested in expand.items():
        out[name] = _expansion(state, resource, rules, record, extra=extra, name=name, nested=nested)
    return out


def _expansion(
    state: StoreState,
    resource: Resource,
    rules: Rules,
    record: Record,
    *,
    extra: dict[str, Any],
    name: str,
    nested: frozenset[str],
) -> Any:
    if name == "translations":
        return render_translations(state, resource, extra)
    if name in resource.writable:  # a list the client wrote (visibilities): shown as stored
        return extra.get(name, [])
    return rules.expand(state, record, name, nested)
