"""The template fork is tracked like a vendored spec (specforge/fork.py, codegen/UPSTREAM.yaml)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from specforge import _yaml
from specforge.apis import load_apis
from specforge.drift import check_drift
from specforge.errors import SpecforgeError
from specforge.fork import FORK_FILE, fork_problems, upstream_hashes

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "codegen", tmp_path / "codegen")
    return tmp_path


def test_the_recorded_starting_points_match_the_pinned_generator() -> None:
    assert fork_problems(REPO) == []


def test_every_override_of_an_upstream_template_is_recorded_or_declared_replaced() -> None:
    folder = REPO / "codegen" / "templates"
    overrides = sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*.jinja"))
    data = _yaml.load(REPO / FORK_FILE)
    shipped = {name for name, digest in upstream_hashes(overrides).items() if digest is not None}
    assert shipped == set(data["templates"]) | set(data["replaced"])


def test_a_moved_upstream_template_fails_naming_it(root: Path) -> None:
    """What a generator upgrade looks like: the base template's hash is no longer the recorded one."""
    path = root / FORK_FILE
    data = _yaml.load(path)
    data["templates"]["client.py.jinja"] = "sha256:" + "0" * 64
    _yaml.dump(data, path)
    problems = fork_problems(root)
    assert len(problems) == 1
    assert "templates/client.py.jinja" in problems[0] and "re-copy" in problems[0]


def test_an_unrecorded_override_and_another_pin_fail(root: Path) -> None:
    path = root / FORK_FILE
    data = _yaml.load(path)
    del data["templates"]["types.py.jinja"]
    data["version"] = "0.0.1"
    _yaml.dump(data, path)
    problems = fork_problems(root)
    assert any("records openapi-python-client 0.0.1" in problem for problem in problems)
    assert any("codegen/templates/types.py.jinja overrides an upstream template not recorded" in p for p in problems)


def test_a_malformed_record_is_bad_input(root: Path) -> None:
    (root / FORK_FILE).write_text("version: 0.29.1\ntemplates: [a]\n", encoding="utf-8")
    with pytest.raises(SpecforgeError, match="templates"):
        fork_problems(root)


def test_the_drift_check_fails_naming_the_template(demo_repo: Path) -> None:
    path = demo_repo / FORK_FILE
    data = _yaml.load(path)
    data["templates"]["endpoint_module.py.jinja"] = "sha256:" + "1" * 64
    _yaml.dump(data, path)
    report = check_drift(list(load_apis(demo_repo).values()), demo_repo)
    assert not report.clean
    assert "template fork:" in report.summary() and "templates/endpoint_module.py.jinja" in report.summary()
