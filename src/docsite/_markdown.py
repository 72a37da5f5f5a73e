"""Markdown pieces for generated pages: inert spec text, safe fences, links rewritten for the site.

Spec text is outside input (a fetched spec is hostile): it is escaped so that it can neither open a code
fence (whose content a test executes), nor add HTML, a script or a link; only our own templates write Markdown.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable, Collection, Mapping
from typing import Any

import yaml

__all__ = ["cell", "code", "fenced", "inert", "json_block", "relink", "safe_id", "yaml_block"]

# Python-Markdown's backslash escapes (markdown.Markdown.ESCAPED_CHARS):
# each is written as itself when escaped, so `inert` text renders as the spec wrote it, its formatting lost.
# The rest become entities: `<`/`&` (no HTML), `|` (no table cell), `~` (no `~~~` fence).
_ESCAPED = re.compile(r"([\\`*_{}\[\]()#+\-.!])")
_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "|": "&#124;", "~": "&#126;"})


def inert(text: object) -> str:
    """`text` as Markdown that renders literally: no fence, HTML, link, emphasis or heading can come of it."""
    lines = [_ESCAPED.sub(r"\\\1", line).translate(_ENTITIES).strip() for line in str(text).splitlines()]
    return "\n".join(lines).strip()


def cell(text: object) -> str:
    """`inert` text on one line, for a table cell."""
    return " ".join(inert(text).split()) or "—"


_CODE_SAFE = re.compile(r"[\w{}/.:@$&'()*+,;=%?\- ]+")
_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")


def code(text: object) -> str:
    """`text` as inline code when it is plain (a path, a URL, a media type), else as `cell` text."""
    value = str(text)
    return f"`{value}`" if _CODE_SAFE.fullmatch(value) else cell(value)


def safe_id(text: object) -> str:
    """An operationId or quirk id, used in file names and links: refused unless it is a plain identifier."""
    value = str(text)
    if not _ID.fullmatch(value):
        raise ValueError(f"not a plain identifier, refused as a page name: {value[:80]!r}")
    return value


def fenced(body: str, info: str = "") -> str:
    """A code block whose fence is longer than any backtick run in `body`, so `body` cannot close it."""
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{body.rstrip()}\n{fence}"


def json_block(value: Any) -> str:
    return fenced(json.dumps(value, indent=2, ensure_ascii=False), "json")


def yaml_block(value: Any, max_lines: int = 40) -> str:
    """`value` as YAML, cut to `max_lines` (a removed path or a whole schema can be long)."""
    lines = yaml.safe_dump(value, sort_keys=False, allow_unicode=True, width=100).splitlines()
    if len(lines) > max_lines:
        lines = [*lines[:max_lines], f"# … {len(lines) - max_lines} more lines"]
    return fenced("\n".join(lines), "yaml")


_LINK = re.compile(r"(!?)\[(?P<text>[^\]\n]*)\]\((?P<target>[^)\s]+)\)")
_EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:|^#", re.IGNORECASE)


def relink(  # noqa: PLR0917 (one call site, relinker, names them)
    markdown: str,
    source: str,
    site: Mapping[str, str],
    page: str,
    exists: Callable[[str], bool],
    pages: Collection[str] = (),
) -> str:
    """Rewrite the relative links of `markdown` (the repository file `source`) for the site page `page`.

    A link to a site page (`pages`, site paths) stays; a link to a file the site holds (`site`: repository
    path → page path) points at that page; a link to any other repository file becomes its path in code,
    since the site does not carry it. Outside the fences only; web links and in-page anchors are kept.
    """

    def rewrite(match: re.Match[str]) -> str:
        target = match["target"]
        if _EXTERNAL.match(target):
            return match[0]
        path, _, anchor = target.partition("#")
        if posixpath.normpath(posixpath.join(posixpath.dirname(page), path)) in pages:
            return match[0]
        repo_path = posixpath.normpath(posixpath.join(posixpath.dirname(source), path))
        if repo_path in site:
            relative = posixpath.relpath(site[repo_path], posixpath.dirname(page) or ".")
            return f"{match[1]}[{match['text']}]({relative}{'#' + anchor if anchor else ''})"
        shown = repo_path if exists(repo_path) else target
        text = match["text"].strip("`")
        return f"{text} (`{shown}`)" if text and text not in (shown, target) else f"`{shown}`"

    parts = re.split(r"(^ {0,3}(?:`{3,}|~{3,}).*?^ {0,3}(?:`{3,}|~{3,})[ \t]*$)", markdown, flags=re.M | re.S)
    return "".join(part if index % 2 else _LINK.sub(rewrite, part) for index, part in enumerate(parts))
