"""A review as Markdown (a pull-request comment) or as JSON (for machines); both end with the verdict."""

from __future__ import annotations

import json
from typing import Any

from .breaking import POLICY
from .changelog import changelog_entry, suggested_bump
from .guidance import acknowledgement_yaml, group_changes
from .report import ApiReview, Review
from .rules import RULES

__all__ = ["to_json", "to_markdown"]

_LIMIT = 50  # rows per table; the JSON has everything


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(review: Review) -> str:
    """The PR comment: one section per reviewed API, numbered like the review's stages."""
    out = [f"## Spec review: `{review.base_ref}` ({review.base_commit[:12]}) → working tree", ""]
    if review.unchanged:
        out.append(f"Unchanged (not reviewed): {', '.join(review.unchanged)}.")
        out.append("")
    for api in review.apis:
        out += _api_markdown(api)
    if review.unused_acknowledgements:
        out.append("### Unused acknowledgements")
        out += [
            f"- {ack.label}: matched no change; delete it if the change has landed"
            for ack in review.unused_acknowledgements
        ]
        out.append("")
    out.append(f"**Verdict:** {review.verdict}")
    return "\n".join(out) + "\n"


def _api_markdown(api: ApiReview) -> list[str]:
    out = [f"### {api.name} ({api.status})", ""]
    changed = ", ".join(f"`{p}`" for p in api.changed_inputs[:10]) + _more(api.changed_inputs, 10)
    out += [f"Changed inputs: {changed}", *(f"> {note}" for note in api.notes), ""]
    for stage in (_validity, _lint, _health, _breaking, _client):
        out += [*stage(api), ""]
    out += [f"#### 6. Changelog entry (draft, {suggested_bump(api)} version bump)", ""]
    out += ["```markdown", changelog_entry(api), "```", ""]
    return out


def _validity(api: ApiReview) -> list[str]:
    v = api.validity
    out = ["#### 1. Validity", f"- raw spec: {len(v.raw)} validator finding(s)"]
    if v.raw:
        out[-1] += " (the raw spec is faithful to its source; the overlays must fix them)"
    if v.valid:
        out.append(
            "- patched spec: valid OpenAPI, every `$ref` resolves, operationIds unique, "
            f"{v.examples} example(s) match their schemas"
        )
    else:
        out.append(f"- **patched spec: {len(v.patched)} finding(s)**")
        out += [f"  - `{_cell(p)}`" for p in v.patched[:_LIMIT]]
    return out


def _lint(api: ApiReview) -> list[str]:
    new = api.new_lint
    out = [
        "#### 2. Lint",
        f"{len(new)} new finding(s), {len(api.lint) - len(new)} already at the base; "
        f"{api.lint_fixed_by_overlays} raw-spec finding(s) fixed by the overlays ({len(RULES)} rules: "
        "`python -m specforge review --rules`).",
    ]
    if new:
        out += ["", "| severity | rule | location | message |", "| --- | --- | --- | --- |"]
        for f in new[:_LIMIT]:
            ack = " (acknowledged)" if f.key in api.acknowledged else ""
            out.append(f"| {f.severity}{ack} | `{f.rule}` | `{_cell(f.line or f.location)}` | {_cell(f.message)} |")
        out.append(_more(new, _LIMIT).strip())
    return out


def _health(api: ApiReview) -> list[str]:
    applying = sum(1 for a in api.actions if a.state == "applies")
    out = ["#### 3. Overlay health", f"{applying} of {len(api.actions)} action(s) apply."]
    for a in api.actions:
        if a.state == "unmatched":
            out.append(f"- **unmatched** `{a.source}` {a.label}: `{a.target}` matches nothing")
        elif a.state == "no-op":
            out.append(f"- no-op `{a.source}` {a.label}: matches, changes nothing (fixed upstream? ready to delete)")
    if api.spec_changes:
        shown = ", ".join(f"`{c}`" for c in api.spec_changes[:15])
        out.append(f"- patched spec vs base: {shown}{_more(api.spec_changes, 15)}")
    return out


def _breaking(api: ApiReview) -> list[str]:
    out = ["#### 4. Breaking changes", f"Policy: {POLICY}."]
    if not api.changes:
        return [*out, "No HTTP-level change."]
    groups = group_changes(api.changes, api.acknowledged)
    out += ["", "| | rule | location | change |", "| --- | --- | --- | --- |"]
    for g in groups[:_LIMIT]:
        ack = api.acknowledged.get((g.rule, g.changes[0].location))
        mark = ("acknowledged: " + _cell(ack.reason)) if ack else ("**breaking**" if g.breaking else "compatible")
        where = f"`{_cell(g.location)}`"
        if len(g.operations) > 1:
            where = f"`{_cell(g.where)}` in {len(g.operations)} operations: " + ", ".join(
                f"`{_cell(op)}`" for op in g.operations
            )
        out.append(f"| {mark} | `{g.rule}` | {where} | {_cell(g.message)} |")
    out.append(_more(groups, _LIMIT).strip())
    pending = [g for g in groups if g.breaking and (g.rule, g.changes[0].location) not in api.acknowledged]
    if pending:
        out += [
            "",
            "To accept these on purpose, append this under `acknowledged:` in `review/acknowledged.yaml` "
            "and write each `reason:` (or change the spec/overlays so nothing breaks):",
            "",
            "```yaml",
            acknowledgement_yaml(api.name, pending),
            "```",
        ]
    return out


def _client(api: ApiReview) -> list[str]:
    d = api.client.diff
    out = [f"#### 5. Generated client `{api.client.package}`"]
    if d.empty:
        return [*out, "Public API unchanged."]
    out.append(f"{len(d.added)} added, {len(d.removed)} removed, {len(d.changed)} changed.")
    body: list[str] = []
    if d.removed:
        body += ["removed:", *(f"- `{n}`" for n in d.removed[:_LIMIT]), _more(d.removed, _LIMIT).strip()]
    if d.changed:
        changed = [f"- `{n}`: `{_cell(old)}` → `{_cell(new)}`" for n, old, new in d.changed]
        body += ["changed:", *changed[:_LIMIT], _more(changed, _LIMIT).strip()]
    if d.added:
        body += ["added:", *(f"- `{n}`" for n in d.added[:_LIMIT]), _more(d.added, _LIMIT).strip()]
    out += ["<details><summary>public names</summary>", "", *body, "", "</details>"]
    if api.usages:
        out += [
            "",
            f"**Warning:** hand-written code (`src/`, `tests/`, `contract_tests/`) still uses "
            f"{len({u.name for u in api.usages})} name(s) this change removes from the client; update it:",
        ]
        by_name: dict[str, list[str]] = {}
        for usage in api.usages:
            by_name.setdefault(usage.name, []).append(f"{usage.path}:{usage.line}")
        for name, places in by_name.items():
            out.append(f"- `{name}`: " + ", ".join(f"`{p}`" for p in places[:10]) + _more(places, 10))
    return out


def _more(items: list[Any], limit: int) -> str:
    return f" … and {len(items) - limit} more" if len(items) > limit else ""


def to_json(review: Review) -> str:
    """Everything, machine-readable, with sorted keys."""
    data = {
        "base": {"ref": review.base_ref, "commit": review.base_commit},
        "unchanged": review.unchanged,
        "apis": {api.name: _api_json(api) for api in review.apis},
        "unused_acknowledgements": [
            {"index": a.index, "api": a.api, "rule": a.rule, "location": a.location}
            for a in review.unused_acknowledgements
        ],
        "exit_code": review.exit_code,
        "verdict": review.verdict,
    }
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _api_json(api: ApiReview) -> dict[str, Any]:
    def ack(key: tuple[str, str]) -> str | None:
        found = api.acknowledged.get(key)
        return found.reason if found else None

    return {
        "status": api.status,
        "changed_inputs": api.changed_inputs,
        "notes": api.notes,
        "validity": {"raw": api.validity.raw, "patched": api.validity.patched, "examples": api.validity.examples},
        "lint": [
            {
                "rule": f.rule,
                "severity": f.severity,
                "location": f.location,
                "line": f.line,
                "message": f.message,
                "new": f.key not in api.lint_preexisting,
                "acknowledged": ack(f.key),
            }
            for f in api.lint
        ],
        "lint_fixed_by_overlays": api.lint_fixed_by_overlays,
        "overlay_actions": [
            {"source": a.source, "action": a.label, "target": a.target, "matched": a.matched, "state": a.state}
            for a in api.actions
        ],
        "spec_changes": api.spec_changes,
        "changes": [
            {
                "rule": c.rule,
                "location": c.location,
                "message": c.message,
                "breaking": c.breaking,
                "acknowledged": ack((c.rule, c.location)),
            }
            for c in api.changes
        ],
        "acknowledgement_yaml": acknowledgement_yaml(
            api.name,
            [
                g
                for g in group_changes(api.changes, api.acknowledged)
                if g.breaking and not ack((g.rule, g.changes[0].location))
            ],
        ),
        "usages": [{"name": u.name, "path": u.path, "line": u.line} for u in api.usages],
        "client": {
            "package": api.client.package,
            "stale": api.client.stale,
            "added": api.client.diff.added,
            "removed": api.client.diff.removed,
            "changed": [{"name": n, "base": old, "head": new} for n, old, new in api.client.diff.changed],
        },
        "changelog": changelog_entry(api),
        "suggested_bump": suggested_bump(api),
        "exit_code": api.exit_code,
        "summary": api.summary(),
    }
