"""A drafted changelog entry for one API, from its HTTP changes and its generated-client diff."""

from __future__ import annotations

from .guidance import ChangeGroup, group_changes
from .report import ApiReview

__all__ = ["changelog_entry", "suggested_bump"]


def suggested_bump(review: ApiReview) -> str:
    """major if anything breaks (acknowledged or not, HTTP or client), minor for additions, else patch."""
    client = review.client.diff
    if any(c.breaking for c in review.changes) or client.removed or client.changed:
        return "major"
    if review.changes or client.added:
        return "minor"
    return "patch"


def changelog_entry(review: ApiReview) -> str:
    """Markdown, Keep-a-Changelog style: Breaking / Added / Changed, one line per change."""
    lines = [f"### {review.client.package.replace('_', '-')} ({suggested_bump(review)})"]
    breaking = group_changes([c for c in review.changes if c.breaking], review.acknowledged)
    compatible = [c for c in review.changes if not c.breaking]
    if breaking:
        lines.append("#### Breaking")
        for group in breaking:
            ack = review.acknowledged.get((group.rule, group.changes[0].location))
            why = f" Accepted: {ack.reason}" if ack else ""
            lines.append(f"- {_where(group)}: {group.message} (`{group.rule}`).{why}")
    added = [c for c in compatible if c.rule == "endpoint-added"]
    if added:
        lines.append("#### Added")
        lines += [f"- `{c.location}`: {c.message.removeprefix('operation added: ')}" for c in added]
    other = [c for c in compatible if c.rule != "endpoint-added"]
    if other:
        lines.append("#### Changed")
        lines += [f"- `{c.location}`: {c.message} (`{c.rule}`)" for c in other]
    client = review.client.diff
    if not client.empty:
        lines.append(f"#### Client `{review.client.package}`")
        if client.removed:
            lines.append(f"- Removed: {', '.join(f'`{n}`' for n in client.removed[:20])}" + _more(client.removed))
        if client.changed:
            names = [name for name, _, _ in client.changed]
            lines.append(f"- Changed signature: {', '.join(f'`{n}`' for n in names[:20])}" + _more(names))
        if client.added:
            lines.append(f"- Added: {', '.join(f'`{n}`' for n in client.added[:20])}" + _more(client.added))
    if len(lines) == 1:
        lines.append("- No change to the HTTP API or to the generated client's public API.")
    return "\n".join(lines)


def _where(group: ChangeGroup) -> str:
    if len(group.operations) == 1:
        return f"`{group.location}`"
    return f"`{group.where}` in " + ", ".join(f"`{op}`" for op in group.operations)


def _more(items: list[str]) -> str:
    return f" and {len(items) - 20} more" if len(items) > 20 else ""
