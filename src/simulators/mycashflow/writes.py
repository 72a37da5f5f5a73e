"""Create and update, the same for every resource: writable fields only, translations merged, hooks run.

Conventions (chosen where the docs are silent): read-only and unknown fields in a body are ignored, so a
client may send back what it read; a translatable field given both at the root and in the store language's
`translations` entry takes the root value (the root is the store language's text).
"""

from __future__ import annotations

from typing import Any

from .errors import McfError
from .resources import Resource
from .rules import Rules
from .state import Record, StoreState

__all__ = ["create", "render_translations", "update"]


def create(state: StoreState, resource: Resource, rules: Rules, body: dict[str, Any]) -> Record:
    """Validate, assign the id and timestamps, store; the new record."""
    changes, stored, texts = _split(state, resource, rules.prepare(state, body, None), rules.accepts)
    rules.check_unique(state, resource.name, changes, None)
    rules.check(state, changes, None)
    table = state.table(resource.name)
    now = state.now()
    record: Record = dict(resource.defaults)
    record.update(changes)
    record.update({key: value for key, value in (("created_at", now), ("updated_at", now)) if key in record})
    extra: dict[str, Any] = {k: [] for k in resource.expandable if k in resource.writable and k != "translations"}
    extra.update(stored)
    _merge_translations(state, resource, record, extra=extra, incoming=texts, changes=changes)
    record["id"] = table.next_id()  # kept internally even where the spec shows no id (webhooks: a uuid)
    record = {key: record[key] for key in ("id", *resource.fields)}  # spec order, whatever order the body used
    rules.derive(state, record, extra)
    table.put(record, extra)
    rules.index_unique(state, resource.name, record, None)
    rules.stored(state, record, None, body)
    return record


def update(state: StoreState, resource: Resource, rules: Rules, current: Record, body: dict[str, Any]) -> Record:
    """Apply a partial update in place; fields the body leaves out, and read-only ones, keep their values."""
    table = state.table(resource.name)
    table.items.check_room(current["id"])  # a record at the per-record byte limit takes no more changes
    changes, stored, texts = _split(state, resource, rules.prepare(state, body, current), rules.accepts)
    rules.check_unique(state, resource.name, changes, current)
    rules.check(state, changes, current)
    before = dict(current)
    extra = table.extra.setdefault(current["id"], {})
    current.update(changes)
    extra.update(stored)
    _merge_translations(state, resource, current, extra=extra, incoming=texts, changes=changes)
    if "updated_at" in current:
        current["updated_at"] = state.now()
    rules.derive(state, current, extra)
    rules.index_unique(state, resource.name, current, before)
    rules.stored(state, current, before, body)
    table.items.reweigh(current["id"])
    return current


def render_translations(state: StoreState, resource: Resource, extra: dict[str, Any]) -> list[dict[str, Any]]:
    """The `translations` list: one entry per language that has text, the store language first."""
    texts: dict[str, dict[str, Any]] = extra.get("translations", {})
    order = sorted(texts, key=lambda language: (language != state.settings.language, language))
    return [{"language": language, **texts[language]} for language in order]


def _split(
    state: StoreState, resource: Resource, body: dict[str, Any], accepts: frozenset[str]
) -> tuple[dict[str, Any], dict[str, Any], dict[str, dict[str, Any]]]:
    """Writable base fields; writable expand-only fields (visibilities) kept aside; translations by language."""
    changes = {key: value for key, value in body.items() if key in resource.writable and key in resource.fields}
    changes.update({key: value for key, value in body.items() if key in accepts})
    stored = {key: value for key, value in body.items() if key in resource.writable and key in resource.expandable}
    entries = stored.pop("translations", None)
    texts = {} if entries is None else _check_translations(state, resource, entries)
    return changes, stored, texts


def _check_translations(state: StoreState, resource: Resource, entries: list[dict[str, Any]]) -> dict[str, Any]:
    seen: dict[str, dict[str, Any]] = {}
    for i, entry in enumerate(entries):
        language = entry["language"]
        if language not in state.settings.languages:
            supported = ", ".join(state.settings.languages)
            raise McfError.invalid(f"translations.{i}.language", f"Unsupported language {language!r}: use {supported}.")
        if language in seen:
            raise McfError.invalid(f"translations.{i}.language", f"Language {language!r} is given twice.")
        seen[language] = {key: entry[key] for key in resource.translatable if key in entry}
    return seen


def _merge_translations(
    state: StoreState,
    resource: Resource,
    record: Record,
    *,
    extra: dict[str, Any],
    incoming: dict[str, dict[str, Any]],
    changes: dict[str, Any],
) -> None:
    """Merge new texts per language; then the root and the store language's entry are made equal."""
    if not resource.translatable:
        return
    texts: dict[str, dict[str, Any]] = {lang: dict(fields) for lang, fields in extra.get("translations", {}).items()}
    own_incoming = incoming.get(state.settings.language, {})
    for lang, fields in incoming.items():
        texts[lang] = {**{key: "" for key in resource.translatable}, **texts.get(lang, {}), **fields}
    own = texts.setdefault(state.settings.language, {})
    for key in resource.translatable:
        if key in changes or key not in own_incoming:
            own[key] = record.get(key, "")  # the root wins over the store language's entry
        record[key] = own[key]
    extra["translations"] = texts
