"""One staging folder per distribution, each a self-contained project `python -m build` turns into sdist + wheel."""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import _yaml
from ..apis import API, load_apis
from ..errors import SpecforgeError

__all__ = ["DISTRIBUTIONS_FILE", "Distribution", "assemble", "client_version", "distributions"]

DISTRIBUTIONS_FILE = "packaging/distributions.yaml"
_SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".mypy_cache")


@dataclass(frozen=True)
class Distribution:
    """What one wheel holds: import packages (name → source folder), metadata, data files, console scripts."""

    name: str
    version: str
    summary: str
    packages: dict[str, Path]
    dependencies: list[str]
    readme: str
    changelog: Path | None = None
    scripts: dict[str, str] = field(default_factory=dict)
    data: dict[str, Path] = field(default_factory=dict)  # path inside the wheel → source file
    appended: dict[str, str] = field(default_factory=dict)  # path inside the wheel → text added at its end


def client_version(api: API) -> str:
    """`<API major>.<API minor>.<client semver>`: 1.2.0.1.0 is Mash API 1.2, client 0.1.0."""
    semver = read_semver(version_file(api))
    info = _yaml.load(api.patched_spec_path).get("info", {})
    parts = [int(p) for p in re.findall(r"\d+", str(info.get("version", "0")))][:2]
    major, minor = [*parts, 0, 0][:2]
    return f"{major}.{minor}.{semver}"


def version_file(api: API) -> Path:
    return api.root / "packaging" / api.project / "VERSION"


def read_semver(path: Path) -> str:
    if not path.is_file():
        raise SpecforgeError(path, "missing: the client's semver (e.g. 0.1.0), moved by `nox -s release -- API`")
    text = path.read_text(encoding="utf-8").strip()
    if not _SEMVER.match(text):
        raise SpecforgeError(path, f"expected MAJOR.MINOR.PATCH, found {text[:40]!r}")
    return text


def _module_of(ref: str) -> str:
    return ref.split(":", 1)[0].split(".", 1)[0]


def _project_dependencies(root: Path) -> tuple[list[str], dict[str, list[str]]]:
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return list(project["dependencies"]), dict(project.get("optional-dependencies", {}))


def _clients(root: Path, runtime: Distribution) -> list[Distribution]:
    """One per API with an SDK; an SDK module shared by two APIs ships once, with the first (the other depends)."""
    out: list[Distribution] = []
    owner: dict[str, Distribution] = {}
    for api in load_apis(root).values():
        if api.sdk is None:
            continue
        project_dir = api.root / "generated" / api.name / api.project
        generated = tomllib.loads((project_dir / "pyproject.toml").read_text(encoding="utf-8"))["project"]
        sdk = _module_of(api.sdk.client)
        version = client_version(api)
        packages = {api.package: project_dir / api.package}
        dependencies = [*generated["dependencies"], f"{runtime.name}=={runtime.version}"]
        if sdk in owner:
            dependencies.append(f"{owner[sdk].name}=={owner[sdk].version}")
        else:
            packages[sdk] = api.root / "src" / sdk
        reexport = (
            "\n# Added when the wheel is assembled (specforge.dist), not by the generator: the hand-written layer,\n"
            f"# so that `from {api.package} import {api.sdk.client.split(':')[1]}` is the one import.\n"
            f"from {sdk} import *  # noqa: F403\n"
            f"from {sdk} import __all__ as _sdk_all\n\n"
            "__all__ = (*__all__, *_sdk_all)  # noqa: PLE0605\n"
        )
        dist = Distribution(
            name=api.project,
            version=version,
            summary=str(generated.get("description", api.project)),
            packages=packages,
            dependencies=dependencies,
            readme=(project_dir / "README.md").read_text(encoding="utf-8"),
            changelog=api.root / "packaging" / api.project / "CHANGELOG.md",
            appended={f"{api.package}/__init__.py": reexport},
        )
        owner.setdefault(sdk, dist)
        out.append(dist)
    return out


def distributions(root: Path) -> list[Distribution]:
    """Every distribution `nox -s build` makes: the runtime, each client, the tooling, the simulators."""
    path = root / DISTRIBUTIONS_FILE
    data = _yaml.load(path)
    if not isinstance(data, dict) or not {"runtime", "tooling", "simulators"} <= set(data):
        raise SpecforgeError(path, "expected the mappings runtime, tooling and simulators")
    project_deps, extras = _project_dependencies(root)
    made: dict[str, Distribution] = {}
    for key in ("runtime", "tooling", "simulators"):
        entry: dict[str, Any] = data[key]
        deps: list[str] = []
        raw = entry.get("dependencies", [])
        for item in [raw] if isinstance(raw, str) else raw:
            if item == "project":
                deps += project_deps
            elif item in made:
                deps.append(f"{made[item].name}=={made[item].version}")
            elif isinstance(item, str) and item.startswith("extra:"):
                deps += extras[item.removeprefix("extra:")]
            else:
                deps.append(str(item))
        packages = {name: root / "src" / name for name in entry["packages"]}
        scripts: dict[str, str] = {}
        data_files: dict[str, Path] = {}
        if entry.get("ship_patched_specs"):
            scripts, data_files = _simulator_files(root, entry["packages"][0])
        made[key] = Distribution(
            name=entry["name"],
            version=str(entry["version"]),
            summary=entry["summary"],
            packages=packages,
            dependencies=deps,
            readme=f"# {entry['name']}\n\n{entry['summary']}\n",
            scripts=scripts,
            data=data_files,
        )
    return [made["runtime"], *_clients(root, made["runtime"]), made["tooling"], made["simulators"]]


def _simulator_files(root: Path, package: str) -> tuple[dict[str, str], dict[str, Path]]:
    """`<api>-simulator` per simulator module (its first API), and the patched specs it serves, under _data/."""
    scripts: dict[str, str] = {}
    data: dict[str, Path] = {f"{package}/_data/codegen/apis.yaml": root / "codegen" / "apis.yaml"}
    seen: set[str] = set()
    for api in load_apis(root).values():
        if not api.simulator:
            continue
        for name in ("openapi.yaml", "STAMP.json"):
            data[f"{package}/_data/generated/{api.name}/{name}"] = root / "generated" / api.name / name
        if api.simulator not in seen:
            seen.add(api.simulator)
            scripts[f"{api.name.replace('_', '-')}-simulator"] = f"{package}.scripts:main"
    return scripts, data


def _toml(value: object) -> str:
    return json.dumps(value)  # a JSON string or list of strings is valid TOML


def assemble(dist: Distribution, into: Path) -> Path:
    """Write dist's project folder under `into` (replacing an old one); nothing outside `into` is touched."""
    folder = into / dist.name
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name, source in dist.packages.items():
        if not (source / "__init__.py").is_file():
            raise SpecforgeError(source, f"package {name} not found (run `nox -s generate`?)")
        shutil.copytree(source, folder / name, ignore=_IGNORE)
    for target, text in dist.appended.items():
        with (folder / target).open("a", encoding="utf-8") as handle:
            handle.write(text)
    for target, source in dist.data.items():
        (folder / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, folder / target)
    readme = dist.readme
    if dist.changelog is not None:  # in the sdist as a file, and on the package's index page below the README
        shutil.copyfile(dist.changelog, folder / "CHANGELOG.md")
        readme = f"{readme.rstrip()}\n\n{dist.changelog.read_text(encoding='utf-8')}"
    (folder / "README.md").write_text(readme, encoding="utf-8")
    lines = [
        "[build-system]",
        'requires = ["setuptools>=70"]',
        'build-backend = "setuptools.build_meta"',
        "",
        "[project]",
        f"name = {_toml(dist.name)}",
        f"version = {_toml(dist.version)}",
        f"description = {_toml(dist.summary)}",
        'readme = "README.md"',
        'requires-python = ">=3.11"',
        f"dependencies = {_toml(dist.dependencies)}",
    ]
    if dist.scripts:
        lines += ["", "[project.scripts]", *(f"{_toml(k)} = {_toml(v)}" for k, v in dist.scripts.items())]
    includes = [f"{name}*" for name in dist.packages]
    lines += ["", "[tool.setuptools.packages.find]", 'where = ["."]', f"include = {_toml(includes)}"]
    lines += ["", "[tool.setuptools.package-data]"]
    for name in dist.packages:
        shipped = ["py.typed", "**/*.md"] + (["_data/**/*"] if any(t.startswith(f"{name}/") for t in dist.data) else [])
        lines.append(f"{name} = {_toml(shipped)}")
    (folder / "pyproject.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder
