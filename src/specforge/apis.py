"""The API registry: the only place where one API differs from another (read from codegen/apis.yaml)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from . import _yaml
from .bindings import ContractBinding, ReadmeBinding, SdkBinding, parse_bindings
from .errors import SpecforgeError

__all__ = ["API", "REGISTRY_FILE", "find_root", "load_apis"]

REGISTRY_FILE = Path("codegen/apis.yaml")
_REQUIRED_KEYS = ("spec", "overlays", "package", "project")


@dataclass(frozen=True)
class API:
    """One API's inputs and outputs, as repo-relative paths resolved against `root`."""

    name: str
    root: Path
    spec_path: Path
    overlay_dir: Path
    package: str
    project: str
    provenance_path: Path | None = None
    fetch_url: str | None = None
    # Bindings below generated/ (specforge/bindings.py); None: the API has none (or the entry leaves it out).
    sdk: SdkBinding | None = None
    simulator: str | None = None  # the module holding its serve entry, `SIMULATOR`
    contract: ContractBinding | None = None
    readme: ReadmeBinding | None = None
    declared: frozenset[str] = field(default_factory=frozenset)  # the bindings the entry spells out

    @property
    def generated_dir(self) -> Path:
        return self.root / "generated" / self.name

    @property
    def patched_spec_path(self) -> Path:
        return self.generated_dir / "openapi.yaml"

    @property
    def client_dir(self) -> Path:
        return self.generated_dir / self.project

    def overlay_files(self) -> list[Path]:
        """Overlay documents in the order they apply: by file name (NN-purpose.yaml)."""
        if not self.overlay_dir.is_dir():
            return []
        return sorted(self.overlay_dir.glob("*.yaml"))

    def rel(self, path: Path) -> str:
        """Repo-relative POSIX path: what messages and stamps show, never an absolute path."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(path)


def find_root(start: Path | None = None, anchor: Path | None = None) -> Path:
    """The repository root: SPECFORGE_ROOT, else the nearest parent of `start` (the working directory) holding
    codegen/apis.yaml, else (if given) the nearest parent of `anchor`, a file of a checkout or editable install.

    A non-editable install lives in site-packages, far from the repository, so the working directory is asked
    first; the CLI passes no anchor, so it never works on a repository other than the one it runs in.
    """
    env = os.environ.get("SPECFORGE_ROOT")
    if env:
        return Path(env).resolve()
    here = (start or Path.cwd()).resolve()
    for origin in (here, *([anchor.resolve().parent] if anchor else [])):
        for candidate in (origin, *origin.parents):
            if (candidate / REGISTRY_FILE).is_file():
                return candidate
    raise SpecforgeError(
        here,
        f"no {REGISTRY_FILE} here or in any parent directory",
        hint="run from inside the repository, or set SPECFORGE_ROOT",
    )


def load_apis(root: Path | None = None) -> dict[str, API]:
    """Read the registry; every entry must name its spec, overlay folder, package and project."""
    root = root or find_root()
    path = root / REGISTRY_FILE
    data = _yaml.load(path)
    entries = data.get("apis") if isinstance(data, dict) else None
    if not isinstance(entries, dict) or not entries:
        raise SpecforgeError(path, "expected a mapping `apis:` with one entry per API")
    apis: dict[str, API] = {}
    for name, entry in entries.items():
        if not isinstance(entry, dict):
            raise SpecforgeError(path, "entry must be a mapping", location=f"apis.{name}")
        missing = [key for key in _REQUIRED_KEYS if not entry.get(key)]
        if missing:
            raise SpecforgeError(path, f"missing key(s): {', '.join(missing)}", location=f"apis.{name}")
        provenance = entry.get("provenance")
        apis[name] = API(
            name=name,
            root=root,
            spec_path=root / entry["spec"],
            overlay_dir=root / entry["overlays"],
            package=entry["package"],
            project=entry["project"],
            provenance_path=root / provenance if provenance else None,
            fetch_url=entry.get("fetch_url"),
            **parse_bindings(entry, path, name),
        )
    return apis
