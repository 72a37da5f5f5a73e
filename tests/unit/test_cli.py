"""The command line: what each command prints and its exit code (0 ok, 1 a failed check, 2 bad input)."""

from __future__ import annotations

from pathlib import Path

import pytest

from specforge import _yaml
from specforge.cli import main

from ._demo import DEMO_SPEC


@pytest.fixture
def in_demo(demo_repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("SPECFORGE_ROOT", raising=False)
    monkeypatch.chdir(demo_repo)
    return demo_repo


def test_patch_prints_the_patched_spec_or_writes_it(in_demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["patch", "demo"]) == 0
    patched = _yaml.loads(capsys.readouterr().out, "stdout")
    assert patched["components"]["schemas"]["Thing"]["properties"]["kind"]["enum"] == [1, 2]  # the overlay's fix
    assert main(["patch", "demo", "-o", "out.yaml"]) == 0
    assert (in_demo / "out.yaml").read_text(encoding="utf-8").startswith("openapi: 3.1.0")


def test_validate_reports_raw_findings_and_a_valid_patched_spec(
    in_demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate"]) == 0
    out = capsys.readouterr().out
    assert "demo: raw spec specs/demo/openapi.yaml: 0 finding(s)" in out
    assert "demo: patched spec: valid OpenAPI, every example matches its schema" in out


def test_validate_fails_when_an_example_contradicts_its_schema(
    in_demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = in_demo / "specs" / "demo" / "openapi.yaml"
    spec.write_text(DEMO_SPEC.replace("kind: 1}}", 'kind: "one"}}'), encoding="utf-8")
    assert main(["validate"]) == 1
    out = capsys.readouterr().out
    assert "demo: patched spec: FAILED" in out and "kind" in out


def test_health_exits_1_when_an_action_matches_nothing(in_demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["health"]) == 0
    assert "1 of 1 action(s) apply" in capsys.readouterr().out
    spec = in_demo / "specs" / "demo" / "openapi.yaml"
    spec.write_text(DEMO_SPEC.replace("        kind: {type: integer}\n", ""), encoding="utf-8")
    assert main(["health"]) == 1
    assert "NO-OP" in capsys.readouterr().out


def test_unknown_api_and_missing_base_are_bad_input(in_demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["drift", "nope"]) == 2
    assert "unknown API(s): nope" in capsys.readouterr().err
    assert main(["review"]) == 2
    assert "--base REF is required" in capsys.readouterr().err


def test_fetch_without_a_vendored_api_is_bad_input(in_demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fetch"]) == 2
    assert "no vendored API selected" in capsys.readouterr().err


def test_review_lists_its_rules(in_demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review", "--rules"]) == 0
    assert "yaml-ambiguous-scalar" in capsys.readouterr().out


def test_generate_into_a_folder_leaves_generated_alone(in_demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate", "--into", "preview"]) == 0
    assert "regenerated 1 API(s)" in capsys.readouterr().out
    assert (in_demo / "preview" / "demo" / "STAMP.json").is_file()
    assert not (in_demo / "generated").exists()
