"""`nox -s release -- API`: apply the review's suggested bump to the client semver and log the drafted entry."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from ..apis import API
from ..errors import SpecforgeError
from .assemble import client_version, read_semver, version_file

__all__ = ["bump", "release"]

_PARTS = ("major", "minor", "patch")


def bump(semver: str, part: str) -> str:
    """0.1.2 + minor → 0.2.0; the parts right of the one bumped start again at 0."""
    if part not in _PARTS:
        raise SpecforgeError("review", f"unknown bump {part!r}", hint=f"one of: {', '.join(_PARTS)}")
    numbers = [int(n) for n in semver.split(".")]
    index = _PARTS.index(part)
    numbers = [*numbers[:index], numbers[index] + 1, *([0] * (2 - index))]
    return ".".join(map(str, numbers))


def _review_entry(report: dict[str, Any], api: API, source: Path) -> tuple[str, str]:
    """(suggested bump, drafted changelog) for `api` from `specforge review --format json` output."""
    entry = report.get("apis", {}).get(api.name) if isinstance(report, dict) else None
    if isinstance(entry, dict) and "suggested_bump" in entry and "changelog" in entry:
        return str(entry["suggested_bump"]), str(entry["changelog"])
    raise SpecforgeError(
        source, f"the review has no entry for {api.name}", hint=f"nox -s review -- {api.name} --base REF"
    )


def release(api: API, review_json: Path, today: datetime.date | None = None) -> str:
    """Bump packaging/<project>/VERSION and put the drafted entry on top of CHANGELOG.md; the new version."""
    try:
        report = json.loads(review_json.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise SpecforgeError(review_json, f"not a readable review report: {err}") from None
    part, entry = _review_entry(report, api, review_json)
    path = version_file(api)
    new = bump(read_semver(path), part)
    path.write_text(new + "\n", encoding="utf-8")
    version = client_version(api)
    changelog = path.parent / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8") if changelog.is_file() else f"# Changelog: {api.project}\n\n"
    # The draft's first line names the package and the bump; the release names the version and the day instead.
    body = "\n".join(entry.splitlines()[1:]).strip()
    day = (today or datetime.date.today()).isoformat()
    section = f"## {version} ({day}, {part})\n\n{body}\n\n"
    head, marker, rest = text.partition("\n## ")
    changelog.write_text(f"{head}\n{section}## {rest}" if marker else f"{text.rstrip()}\n\n{section}", encoding="utf-8")
    return version
