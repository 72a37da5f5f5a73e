"""For a JSONPath that matches nothing: where in the overlay file it is, and the nearest target that matches."""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

import jsonpath_rfc9535 as jsonpath

__all__ = ["action_line", "did_you_mean"]

_TARGET_KEY = re.compile(r"(?:^|[\s{,-])target\s*:")
_NAME_SEGMENT = re.compile(r"^(?:\.([A-Za-z_$][\w$-]*)|\[\s*(['\"])(.*?)\2\s*\])$")


def action_line(path: Path, index: int, target: str) -> int | None:
    """The 1-based line of action `index`'s `target:` key (text scan: the parsed document keeps no marks)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    keyed = [number for number, line in enumerate(lines, start=1) if _TARGET_KEY.search(line)]
    if index < len(keyed) and target in lines[keyed[index] - 1]:
        return keyed[index]
    return next((number for number in keyed if target in lines[number - 1]), None)


def _segments(target: str) -> list[str]:
    """`$.a.b['c d'][0]` → ['$', '.a', '.b', "['c d']", '[0]']: split at top-level `.` and `[`, quotes respected."""
    parts: list[str] = []
    start, depth, quote = 0, 0, ""
    for i, char in enumerate(target):
        if quote:
            quote = "" if char == quote and target[i - 1] != "\\" else quote
        elif char in "'\"" and depth:
            quote = char
        elif char == "[":
            if depth == 0 and i > start:
                parts.append(target[start:i])
                start = i
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == "." and depth == 0 and i > start and target[i - 1] != ".":
            parts.append(target[start:i])
            start = i
    parts.append(target[start:])
    return parts


def _matches(target: str, document: Any) -> list[Any]:
    try:
        return [node.value for node in jsonpath.find(target, document)]
    except jsonpath.JSONPathError:
        return []


def did_you_mean(target: str, document: Any) -> str | None:
    """A target that does match, one member name away from `target` (a typo or a renamed key), if any."""
    segments = _segments(target)
    for cut in range(len(segments) - 1, 0, -1):
        prefix = "".join(segments[:cut])
        found = _matches(prefix, document)
        if not found:
            continue
        named = _NAME_SEGMENT.match(segments[cut])
        if named is None:
            return None
        name = named.group(1) or named.group(3)
        keys = sorted({str(key) for node in found if isinstance(node, dict) for key in node})
        for candidate in difflib.get_close_matches(name, keys, n=3, cutoff=0.6):
            segment = f".{candidate}" if re.fullmatch(r"[A-Za-z_$][\w$-]*", candidate) else f"['{candidate}']"
            suggestion = prefix + segment + "".join(segments[cut + 1 :])
            if _matches(suggestion, document):
                return suggestion
        return None
    return None
