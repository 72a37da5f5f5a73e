"""Distributions (specforge.dist): what each wheel holds and depends on, and how `release` moves a client's version."""

from __future__ import annotations

import ast
import datetime
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from simulators.scripts import api_of
from specforge.apis import find_root, load_apis
from specforge.dist import Distribution, assemble, bump, distributions, release
from specforge.errors import SpecforgeError

ROOT = find_root(anchor=Path(__file__))


@pytest.fixture(scope="module")
def dists() -> dict[str, Distribution]:
    return {dist.name: dist for dist in distributions(ROOT)}


@pytest.mark.parametrize(
    ("old", "part", "new"), [("0.1.2", "patch", "0.1.3"), ("0.1.2", "minor", "0.2.0"), ("0.1.2", "major", "1.0.0")]
)
def test_bump_starts_the_parts_right_of_it_again(old: str, part: str, new: str) -> None:
    assert bump(old, part) == new


def test_an_unknown_bump_is_bad_input() -> None:
    with pytest.raises(SpecforgeError, match="unknown bump 'huge'"):
        bump("0.1.0", "huge")


def test_a_client_wheel_holds_its_generated_package_and_its_sdk_and_needs_httpx_attrs_and_the_runtime(
    dists: dict[str, Distribution],
) -> None:
    for api in load_apis(ROOT).values():
        if api.sdk is None:
            continue
        dist = dists[api.project]
        assert api.package in dist.packages
        assert dist.packages[api.package] == ROOT / "generated" / api.name / api.project / api.package
        names = sorted(requirement.split(">", 1)[0].split("=", 1)[0] for requirement in dist.dependencies)
        assert {"httpx", "attrs", "sdk-runtime"} <= set(names)
        assert set(names) <= {"httpx", "attrs", "sdk-runtime", *(d.name for d in dists.values())}
    assert set(dists["mash-client"].packages) == {"mash_client", "mash_sdk"}
    assert set(dists["mycashflow-client"].packages) == {"mycashflow_client", "mycashflow_sdk"}
    # v0 shares the store SDK: it depends on the distribution that ships it instead of shipping it twice.
    assert set(dists["mycashflow-v0-client"].packages) == {"mycashflow_v0_client"}
    assert any(dep.startswith("mycashflow-client==") for dep in dists["mycashflow-v0-client"].dependencies)


def test_client_versions_combine_the_api_version_and_the_client_semver(dists: dict[str, Distribution]) -> None:
    semver = (ROOT / "packaging" / "mash-client" / "VERSION").read_text(encoding="utf-8").strip()
    assert dists["mash-client"].version == f"1.2.{semver}"  # Mash eCommerce API v1.2


def test_the_simulators_wheel_has_one_console_script_per_simulator_and_ships_the_patched_specs(
    dists: dict[str, Distribution],
) -> None:
    sims = dists["specforge-simulators"]
    assert sims.scripts == {
        "mash-simulator": "simulators.scripts:main",
        "mycashflow-simulator": "simulators.scripts:main",
    }
    assert "simulators/_data/generated/mash/openapi.yaml" in sims.data
    assert "simulators/_data/generated/mycashflow/STAMP.json" in sims.data
    assert any(dep.startswith("specforge==") for dep in sims.dependencies)


def test_the_assembled_client_answers_the_one_import(dists: dict[str, Distribution], tmp_path: Path) -> None:
    folder = assemble(dists["mycashflow-client"], tmp_path)
    assert "sdk-runtime==" in (folder / "pyproject.toml").read_text(encoding="utf-8")
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import mycashflow_client as c, mycashflow_sdk as s;"
        "assert c.__file__.startswith(sys.argv[1]), c.__file__;"
        "assert c.MyCashflow is s.MyCashflow and c.paginate is s.paginate and 'AuthenticatedClient' in c.__all__"
    )
    subprocess.run([sys.executable, "-c", code, str(folder)], check=True, cwd=tmp_path, timeout=60)
    # generated/ is untouched: the re-export exists in the staging copy only.
    generated = ROOT / "generated" / "mycashflow" / "mycashflow-client" / "mycashflow_client" / "__init__.py"
    assert "mycashflow_sdk" not in generated.read_text(encoding="utf-8")


@pytest.fixture
def release_root(tmp_path: Path) -> Path:
    for relative in ("codegen/apis.yaml", "generated/mash/openapi.yaml", "packaging/mash-client/CHANGELOG.md"):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / relative, tmp_path / relative)
    (tmp_path / "packaging" / "mash-client" / "VERSION").write_text("0.3.1\n", encoding="utf-8")
    return tmp_path


def test_release_applies_the_suggested_bump_and_puts_the_drafted_entry_on_top(release_root: Path) -> None:
    draft = "### mash-client (minor)\n#### Added\n- `POST /refunds`: Create a refund"
    report = release_root / "review.json"
    report.write_text(json.dumps({"apis": {"mash": {"suggested_bump": "minor", "changelog": draft}}}), "utf-8")
    version = release(load_apis(release_root)["mash"], report, today=datetime.date(2026, 12, 2))
    assert version == "1.2.0.4.0"
    assert (release_root / "packaging" / "mash-client" / "VERSION").read_text(encoding="utf-8") == "0.4.0\n"
    changelog = (release_root / "packaging" / "mash-client" / "CHANGELOG.md").read_text(encoding="utf-8")
    new, old = changelog.index("## 1.2.0.4.0 (2026-12-02, minor)"), changelog.index("## 1.2.0.1.0")
    assert new < old
    assert "- `POST /refunds`: Create a refund" in changelog[new:old]
    assert "### mash-client (minor)" not in changelog  # the draft's heading becomes the version's


def test_release_without_the_api_in_the_review_is_bad_input(release_root: Path) -> None:
    report = release_root / "review.json"
    report.write_text(json.dumps({"apis": {}}), encoding="utf-8")
    with pytest.raises(SpecforgeError, match="no entry for mash"):
        release(load_apis(release_root)["mash"], report)
    assert (release_root / "packaging" / "mash-client" / "VERSION").read_text(encoding="utf-8") == "0.3.1\n"


SCRIPTS = [("/venv/bin/mash-simulator", "mash"), ("C:/venv/Scripts/mycashflow-simulator.exe", "mycashflow")]


@pytest.mark.parametrize(("script", "api"), SCRIPTS)
def test_a_console_script_serves_the_api_it_is_named_after(script: str, api: str) -> None:
    assert api_of(script) == api
    assert api in load_apis(ROOT) and load_apis(ROOT)[api].simulator


def _first_party_imports(package: Path, first_party: set[str]) -> set[str]:
    """Top-level names of the repository's own packages that modules under `package` import (absolute imports)."""
    found: set[str] = set()
    for module in package.rglob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            found.update(name.split(".")[0] for name in names if name.split(".")[0] in first_party)
    return found


def test_every_first_party_import_of_a_wheel_ships_in_it_or_in_a_distribution_it_depends_on(
    dists: dict[str, Distribution],
) -> None:
    """The wheels are installed without the repository: a package imported but shipped nowhere it can reach
    fails only there (sdk_runtime came to import strict_url, which no wheel held)."""
    first_party = {path.name for path in (ROOT / "src").iterdir() if (path / "__init__.py").exists()}
    first_party |= {name for dist in dists.values() for name in dist.packages}
    by_requirement = {f"{dist.name}=={dist.version}": dist for dist in dists.values()}

    def reachable(dist: Distribution) -> set[str]:
        names = set(dist.packages)
        for requirement in dist.dependencies:
            if requirement in by_requirement:
                names |= reachable(by_requirement[requirement])
        return names

    for dist in dists.values():
        imported = set().union(*(_first_party_imports(path, first_party) for path in dist.packages.values()))
        missing = imported - reachable(dist)
        assert not missing, f"{dist.name} imports {sorted(missing)}, which neither it nor its dependencies ship"
