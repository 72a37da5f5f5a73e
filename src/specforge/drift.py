"""The drift check: regenerate into a temporary folder and name every file that differs from generated/."""

from __future__ import annotations

import difflib
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import _yaml
from .apis import API
from .document import sha256_file
from .fork import fork_problems
from .generate import build

__all__ = ["DriftReport", "check_drift"]

# Byproducts of importing or installing a client; never part of the committed output.
_IGNORED_PARTS = {"__pycache__", "build", "dist", ".pytest_cache", ".mypy_cache", ".ruff_cache"}
_DIFF_LINES = 12


@dataclass
class DriftReport:
    """Files that differ between what is committed and what the inputs produce."""

    added: list[str] = field(default_factory=list)  # would be created by regeneration
    removed: list[str] = field(default_factory=list)  # committed, but no longer generated
    changed: dict[str, str] = field(default_factory=dict)  # path -> diff excerpt
    provenance: list[str] = field(default_factory=list)  # vendored specs that no longer match SOURCE
    templates: list[str] = field(default_factory=list)  # overrides whose upstream template moved (UPSTREAM.yaml)

    @property
    def clean(self) -> bool:
        return not (self.added or self.removed or self.changed or self.provenance or self.templates)

    def summary(self) -> str:
        if self.clean:
            return "no drift: generated/ matches specs/ + overlays/ + codegen/"
        lines = ["generated/ has drifted from its inputs; run `nox -s generate` and commit the result."]
        lines += [f"  provenance: {message}" for message in self.provenance]
        lines += [f"  template fork: {message}" for message in self.templates]
        lines += [f"  missing (would be generated): {path}" for path in self.added]
        lines += [f"  stale (no longer generated): {path}" for path in self.removed]
        for path, excerpt in self.changed.items():
            lines.append(f"  changed: {path}")
            lines += ["      " + line for line in excerpt.splitlines()]
        return "\n".join(lines)


def _files(folder: Path) -> dict[str, Path]:
    if not folder.is_dir():
        return {}
    return {
        path.relative_to(folder).as_posix(): path
        for path in sorted(folder.rglob("*"))
        if path.is_file()
        and not _IGNORED_PARTS.intersection(path.relative_to(folder).parts)
        and not any(part.endswith(".egg-info") for part in path.parts)
        and path.suffix != ".pyc"
    }


def _provenance_problems(api: API) -> list[str]:
    """A vendored spec must still be the bytes its SOURCE.yaml recorded: nobody edits it by hand."""
    if api.provenance_path is None:
        return []
    if not api.provenance_path.is_file():
        return [f"{api.rel(api.provenance_path)} is missing"]
    source = _yaml.load(api.provenance_path) or {}
    recorded = str(source.get("sha256", "")).removeprefix("sha256:")
    actual = sha256_file(api.spec_path)
    if recorded != actual:
        return [
            f"{api.rel(api.spec_path)} sha256 {actual[:12]}… does not match "
            f"{api.rel(api.provenance_path)} ({recorded[:12] or 'none'}…): the vendored spec was edited "
            "by hand; refresh it with `nox -s fetch-specs` instead"
        ]
    return []


def check_drift(apis: Sequence[API], root: Path) -> DriftReport:
    """Regenerate every API into a temporary folder and compare it, file by file, with generated/."""
    report = DriftReport(templates=fork_problems(root))
    for api in apis:
        report.provenance += _provenance_problems(api)
    with tempfile.TemporaryDirectory(prefix="specforge-drift-") as tmp:
        build(apis, Path(tmp))
        for api in apis:
            fresh = _files(Path(tmp) / api.name)
            committed = _files(root / "generated" / api.name)
            prefix = f"generated/{api.name}/"
            report.added += [prefix + name for name in fresh if name not in committed]
            report.removed += [prefix + name for name in committed if name not in fresh]
            for name in fresh.keys() & committed.keys():
                new, old = fresh[name].read_bytes(), committed[name].read_bytes()
                if new != old:
                    report.changed[prefix + name] = _excerpt(prefix + name, old, new)
    report.changed = dict(sorted(report.changed.items()))
    return report


def _excerpt(name: str, old: bytes, new: bytes) -> str:
    try:
        diff = difflib.unified_diff(
            old.decode().splitlines(),
            new.decode().splitlines(),
            f"committed/{name}",
            f"regenerated/{name}",
            lineterm="",
            n=1,
        )
    except UnicodeDecodeError:
        return "(binary content differs)"
    lines = list(diff)
    more = f"\n… {len(lines) - _DIFF_LINES} more diff lines" if len(lines) > _DIFF_LINES else ""
    return "\n".join(lines[:_DIFF_LINES]) + more
