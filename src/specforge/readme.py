"""Which code examples a generated README may hold: the ones written in codegen/templates, never spec text.

The README template escapes the spec's text, and this is the check behind it: `generate` refuses a
README whose code blocks differ from the templates' own, and tests/sdk/test_readme_examples.py runs
the templates' blocks (read from codegen/templates, not from the rendered README), so text from a
fetched spec can never be executed.
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import SpecforgeError

__all__ = ["code_blocks", "readme_problem", "template_examples"]

README_TEMPLATE = "README.md.jinja"
# CommonMark 4.5: a fence is 3+ backticks or tildes, indented at most 3 spaces; it closes on a line
# of at least as many of the same character. Hand-written: the one question asked is "which fences".
_OPENER = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_INCLUDE = re.compile(
    r'\{%-?\s*include\s*\[\s*"readme/"\s*~\s*package_name\s*~\s*"\.md"\s*,\s*"(?P<fallback>[^"]+)"\s*\]\s*-?%\}'
)


def code_blocks(text: str) -> list[tuple[str, str]]:
    """Every fenced code block of a Markdown text, as (info string, content)."""
    blocks: list[tuple[str, str]] = []
    lines = text.splitlines(keepends=True)
    index = 0
    while index < len(lines):
        opener = _OPENER.match(lines[index].rstrip("\r\n"))
        index += 1
        if opener is None:
            continue
        fence, body = opener["fence"], []
        closer = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$")
        while index < len(lines) and not closer.match(lines[index].rstrip("\r\n")):
            body.append(lines[index])
            index += 1
        index += 1  # the closing fence (or the end of the text, which closes it too)
        blocks.append((opener["info"].strip(), "".join(body)))
    return blocks


def template_examples(templates: Path, package: str) -> list[tuple[str, str]]:
    """The code blocks the README of `package` must hold, in order, read from the templates themselves:
    README.md.jinja around its include of readme/<package>.md (or the fallback), `package_name` filled in."""
    template = (templates / README_TEMPLATE).read_text(encoding="utf-8")
    include = _INCLUDE.search(template)
    if include is None:
        raise SpecforgeError(templates / README_TEMPLATE, 'no `{% include ["readme/" ~ package_name ~ ".md", …] %}`')
    examples = templates / "readme" / f"{package}.md"
    if not examples.is_file():
        examples = templates / include["fallback"]
    parts = (template[: include.start()], examples.read_text(encoding="utf-8"), template[include.end() :])
    blocks = [block for part in parts for block in code_blocks(part)]
    filled = [(info, body.replace("{{ package_name }}", package)) for info, body in blocks]
    for info, body in filled:
        if "{{" in body or "{%" in body:
            raise SpecforgeError(templates, f"a {info or 'code'} block uses template syntax beyond `package_name`")
    return filled


def readme_problem(readme: Path, templates: Path, package: str) -> str | None:
    """Why `readme` holds code the templates did not write (e.g. a fence opened by spec text), or None."""
    expected = template_examples(templates, package)
    found = code_blocks(readme.read_text(encoding="utf-8"))
    if found == expected:
        return None
    foreign = [body for block in found if block not in expected for body in [block[1]]]
    first = foreign[0].splitlines()[0][:80] if foreign and foreign[0] else ""
    return f"{readme.name} holds {len(found)} code block(s) where the templates write {len(expected)}" + (
        f"; the first foreign one starts {first!r}" if first else ""
    )
