"""The template fork, tracked like a vendored spec: our overrides start from the pinned generator's templates.

`codegen/UPSTREAM.yaml` records the generator version and the sha256 of each upstream template an override in
`codegen/templates/` was copied from. When the pinned generator's template no longer has that hash (the pin
moved, or the installed generator is not the pinned one), the drift check fails naming the template: re-copy
it, re-apply our changes (each override's header lists them), and record the new hash.
"""

from __future__ import annotations

import hashlib
from importlib.metadata import PackageNotFoundError, version
from importlib.resources import files
from pathlib import Path
from typing import Any

from . import _yaml
from .errors import SpecforgeError

__all__ = ["FORK_FILE", "GENERATOR", "fork_problems", "upstream_hashes"]

FORK_FILE = Path("codegen/UPSTREAM.yaml")
GENERATOR = "openapi-python-client"


def upstream_hashes(names: list[str]) -> dict[str, str | None]:
    """sha256 of each named template as the installed generator ships it (None: it ships no such template)."""
    templates = files("openapi_python_client") / "templates"
    hashes: dict[str, str | None] = {}
    for name in names:
        resource = templates
        for part in name.split("/"):  # e.g. property_templates/list_property.py.jinja
            resource = resource / part
        hashes[name] = "sha256:" + hashlib.sha256(resource.read_bytes()).hexdigest() if resource.is_file() else None
    return hashes


def _recorded(root: Path) -> tuple[str, dict[str, str], set[str]]:
    """(pinned version, template name → recorded sha256, templates written from scratch)."""
    path = root / FORK_FILE
    data: Any = _yaml.load(path)
    templates = data.get("templates") if isinstance(data, dict) else None
    if not isinstance(templates, dict) or not isinstance(data.get("version"), str):
        raise SpecforgeError(path, f"expected `version:` ({GENERATOR}) and a mapping `templates:` name → sha256")
    replaced = data.get("replaced") or []
    if not isinstance(replaced, list):
        raise SpecforgeError(path, "`replaced:` must be a list of template names", location="replaced")
    return data["version"], {str(name): str(digest) for name, digest in templates.items()}, set(map(str, replaced))


def fork_problems(root: Path) -> list[str]:
    """Every way the overrides' recorded starting points differ from the installed, pinned generator."""
    pinned, recorded, replaced = _recorded(root)
    problems: list[str] = []
    try:
        installed = version(GENERATOR)
    except PackageNotFoundError:
        installed = "not installed"
    if installed != pinned:
        problems.append(f"{FORK_FILE} records {GENERATOR} {pinned}, but {installed} is installed")
    folder = root / "codegen" / "templates"
    overrides = sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*.jinja"))
    shipped = upstream_hashes(overrides)
    for name in overrides:
        if shipped[name] is not None and name not in recorded and name not in replaced:
            problems.append(f"codegen/templates/{name} overrides an upstream template not recorded in {FORK_FILE}")
    for name, digest in sorted(upstream_hashes(sorted(recorded)).items()):
        if digest is None:
            problems.append(f"{GENERATOR} {installed} no longer ships templates/{name} (recorded in {FORK_FILE})")
        elif digest != recorded[name]:
            problems.append(
                f"{GENERATOR} {installed} templates/{name} is {digest[:19]}…, not the {recorded[name][:19]}… that "
                f"codegen/templates/{name} was copied from: re-copy it, re-apply our changes, update {FORK_FILE}"
            )
    return problems
