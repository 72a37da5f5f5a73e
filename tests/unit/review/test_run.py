"""End to end: a throwaway git repository with the real codegen settings, a committed base, a change, a review."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from specforge._yaml import loads
from specforge.apis import load_apis
from specforge.cli import main
from specforge.generate import regenerate

from .._demo import make_demo_repo

SPEC = Path("specs/demo/openapi.yaml")


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=review", "-c", "user.email=review@example.invalid", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


def _commit(root: Path, message: str) -> None:
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", message)


@pytest.fixture(scope="module")
def committed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo repository, generated and committed once (regeneration is the slow part)."""
    root = make_demo_repo(tmp_path_factory.mktemp("base") / "repo")
    regenerate(list(load_apis(root).values()), root)
    _git(root, "init", "-q", "-b", "main")
    _commit(root, "base")
    return root


@pytest.fixture
def repo(committed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(committed, root)
    monkeypatch.delenv("SPECFORGE_ROOT", raising=False)
    monkeypatch.chdir(root)
    return root


def _edit(root: Path, path: Path, old: str, new: str) -> None:
    text = (root / path).read_text()
    assert text.count(old) == 1, old
    (root / path).write_text(text.replace(old, new))


def test_breaking_change_fails_with_markdown_json_and_client_diff(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit(repo, SPEC, "        status: {type: string, enum: [Open, Closed]}\n", "")
    _edit(repo, SPEC, 'one: {value: {id: "1", status: Open, kind: 1}}', 'one: {value: {id: "1", kind: 1}}')
    regenerate(list(load_apis(repo).values()), repo)

    assert main(["review", "--base", "main"]) == 1
    markdown = capsys.readouterr().out
    assert (
        "| **breaking** | `response-optional-property-removed` | "
        "`GET /things/{id} response[200][application/json] status`" in markdown
    )
    assert "- `demo_client.models.thing.Thing.status`" in markdown  # removed from the generated client
    assert "#### 6. Changelog entry (draft, major version bump)" in markdown
    assert markdown.rstrip().splitlines()[-1].startswith("**Verdict:** FAIL (exit 1): demo: 1 breaking change(s)")

    assert main(["review", "--base", "main", "--format", "json", "--output", "review.json"]) == 1
    assert capsys.readouterr().out.startswith("FAIL (exit 1)")
    report = json.loads((repo / "review.json").read_text())
    demo = report["apis"]["demo"]
    assert report["exit_code"] == 1
    assert demo["changed_inputs"] == ["specs/demo/openapi.yaml"]
    assert [(c["rule"], c["breaking"]) for c in demo["changes"]] == [("response-optional-property-removed", True)]
    assert "demo_client.models.thing_status" in demo["client"]["removed"]
    assert demo["client"]["stale"] is False


def test_acknowledged_change_passes_and_an_unused_acknowledgement_is_reported(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit(repo, SPEC, "enum: [Open, Closed]", "enum: [Open]")
    (repo / "review").mkdir()
    (repo / "review" / "acknowledged.yaml").write_text(
        "acknowledged:\n"
        "  - {api: demo, rule: response-property-enum-value-removed, location: 'GET /things/{id} response[*] status',"
        " reason: the vendor retired Closed}\n"
        "  - {api: demo, rule: request-parameter-removed, location: 'GET /gone', reason: landed long ago}\n"
    )
    assert main(["review", "--base", "main"]) == 0
    out = capsys.readouterr().out
    assert "| acknowledged: the vendor retired Closed | `response-property-enum-value-removed`" in out
    assert "acknowledged[1] (demo request-parameter-removed GET /gone): matched no change" in out
    assert "**Verdict:** PASS (exit 0): demo: 0 breaking change(s) (+1 acknowledged)" in out


def test_compatible_change_passes(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _edit(repo, SPEC, "enum: [Open, Closed]", "enum: [Open, Closed, Archived]")
    assert main(["review", "--base", "main"]) == 0
    out = capsys.readouterr().out
    assert "| compatible | `response-property-enum-value-added` |" in out
    assert "run `nox -s generate`" in out  # generated/ was not regenerated after the edit


def test_no_changed_input_means_nothing_to_review(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review", "--base", "main"]) == 0
    assert "PASS (exit 0): no API input changed between main and the working tree" in capsys.readouterr().out


def test_new_lint_error_fails_but_one_already_at_the_base_does_not(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The demo spec has no security at all: GET /things/{id} trips security-defined at the base already.
    _edit(
        repo,
        SPEC,
        "paths:\n",
        "paths:\n  /health:\n    get: {operationId: health, summary: Health, responses: {'200': {description: ok}}}\n",
    )
    assert main(["review", "--base", "main"]) == 1
    out = capsys.readouterr().out
    assert "| error | `security-defined` | `GET /health` |" in out
    assert "`GET /things/{id}` | no security" not in out
    assert "2 new finding(s), 3 already at the base" in out
    assert "| compatible | `endpoint-added` | `GET /health` |" in out
    assert "demo: 0 breaking change(s), 1 new lint error(s)" in out


def test_unmatched_overlay_action_is_invalid_input_with_a_report(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit(repo, Path("overlays/demo/10-fix.yaml"), "Thing.properties.kind", "Thing.properties.sort")
    assert main(["review", "--base", "main"]) == 2
    out = capsys.readouterr().out
    assert "- **unmatched** `overlays/demo/10-fix.yaml` actions[0] (DEMO-Q01)" in out
    assert "INVALID (exit 2)" in out


def test_new_api_counts_every_operation_as_added(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    registry = repo / "codegen" / "apis.yaml"
    registry.write_text(
        registry.read_text() + "  demo2: {spec: specs/demo/openapi.yaml, overlays: overlays/demo, "
        "package: demo2_client, project: demo2-client}\n"
    )
    assert main(["review", "--base", "main", "--format", "json"]) == 1  # nothing at the base: every lint error is new
    report = json.loads(capsys.readouterr().out)
    demo2 = report["apis"]["demo2"]
    assert demo2["status"] == "new"
    assert [(c["rule"], c["breaking"]) for c in demo2["changes"]] == [("endpoint-added", False)]
    assert [f["rule"] for f in demo2["lint"] if f["severity"] == "error"] == ["security-defined"]
    assert report["apis"]["demo"]["changed_inputs"] == ["codegen/apis.yaml"]  # the registry is everyone's input


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("unknown-ref", "--base no-such-branch: unknown git ref"),
        ("bad-yaml-head", "specs/demo/openapi.yaml: 2:36: invalid YAML"),
        ("bad-yaml-base", "main:specs/demo/openapi.yaml: 2:36: invalid YAML"),
        ("missing-at-base", "main:specs/demo/openapi.yaml: does not exist at the base"),
        ("bad-acknowledgement", "review/acknowledged.yaml: acknowledged[0]: missing reason"),
    ],
)
def test_bad_input_is_one_message_and_exit_2(
    repo: Path, capsys: pytest.CaptureFixture[str], setup: str, message: str
) -> None:
    spec = repo / SPEC
    good = spec.read_text()
    broken = good.replace("info: {title: Demo", "info: {title: [Demo", 1)
    base = "main"
    if setup == "unknown-ref":
        base = "no-such-branch"
    elif setup == "bad-yaml-head":
        spec.write_text(broken)
    elif setup in {"bad-yaml-base", "missing-at-base"}:
        spec.write_text(broken) if setup == "bad-yaml-base" else spec.unlink()
        _commit(repo, "broken base")
        spec.write_text(good)
    else:
        (repo / "review").mkdir()
        (repo / "review" / "acknowledged.yaml").write_text("acknowledged: [{api: demo, rule: x, location: y}]\n")
    assert main(["review", "--base", base]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_the_module_entry_point_exits_with_the_review_status(repo: Path) -> None:
    _edit(
        repo,
        SPEC,
        "parameters: [{name: id, in: path, required: true, schema: {type: string}}]",
        "parameters: [{name: id, in: path, required: true, schema: {type: integer}}]",
    )
    completed = subprocess.run(
        [sys.executable, "-m", "specforge", "review", "--base", "main", "--format", "json"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 1, completed.stderr
    rules = {c["rule"] for c in json.loads(completed.stdout)["apis"]["demo"]["changes"]}
    assert rules == {"request-parameter-type-changed"}


SHIPPED_ACKS = Path(__file__).resolve().parents[3] / "review" / "acknowledged.yaml"


def _shipped_empty() -> str:
    """The shipped file as a person finds it with no entry yet: its comments and the `acknowledged:` key."""
    text = SHIPPED_ACKS.read_text()
    return text[: text.index("acknowledged:\n") + len("acknowledged:\n")]


SECOND_OPERATION = """\
  /things:
    get:
      operationId: listThings
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
components:
"""


def test_one_property_change_is_one_row_and_the_printed_acknowledgement_pastes_into_the_shipped_file(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit(repo, SPEC, "components:\n", SECOND_OPERATION)
    _commit(repo, "a second operation returns Thing")
    _edit(repo, SPEC, "        status: {type: string, enum: [Open, Closed]}\n", "")
    _edit(repo, SPEC, 'one: {value: {id: "1", status: Open, kind: 1}}', 'one: {value: {id: "1", kind: 1}}')

    assert main(["review", "--base", "HEAD"]) == 1
    markdown = capsys.readouterr().out
    rows = [line for line in markdown.splitlines() if line.startswith("| **breaking** | `response-optional")]
    assert len(rows) == 1, rows
    assert "in 2 operations: `GET /things`, `GET /things/{id}`" in rows[0]
    assert markdown.count("property status: removed (`response-optional-property-removed`)") == 1  # changelog
    block = markdown.split("```yaml\n", 1)[1].split("```", 1)[0]
    assert "rule: response-optional-property-removed" in block and "location: '* response[200]" in block

    (repo / "review").mkdir()
    filled = block.replace("reason:   #", "reason: the vendor dropped it #")
    (repo / "review" / "acknowledged.yaml").write_text(_shipped_empty() + filled)
    assert main(["review", "--base", "HEAD"]) == 0
    assert "(+2 acknowledged)" in capsys.readouterr().out


def test_the_shipped_acknowledgements_file_takes_an_appended_entry() -> None:
    entry = "  - {api: mash, rule: x, location: y, reason: z}\n"
    assert loads(_shipped_empty() + entry, SHIPPED_ACKS)["acknowledged"] == [
        {"api": "mash", "rule": "x", "location": "y", "reason": "z"}
    ]
    # With the entries it holds today, an appended one is read as the last.
    assert loads(SHIPPED_ACKS.read_text() + entry, SHIPPED_ACKS)["acknowledged"][-1]["rule"] == "x"


def test_hand_written_code_using_a_removed_client_name_is_a_warning(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "src").mkdir()
    (repo / "src" / "shop.py").write_text("def label(thing):\n    return thing.status\n")
    (repo / "tests").mkdir()
    (repo / "tests" / "test_other.py").write_text("def test_id(thing):\n    assert thing.id\n")
    _edit(repo, SPEC, "        status: {type: string, enum: [Open, Closed]}\n", "")
    _edit(repo, SPEC, 'one: {value: {id: "1", status: Open, kind: 1}}', 'one: {value: {id: "1", kind: 1}}')
    regenerate(list(load_apis(repo).values()), repo)

    main(["review", "--base", "main"])
    markdown = capsys.readouterr().out
    assert "**Warning:** hand-written code" in markdown
    assert "- `status`: `src/shop.py:2`" in markdown and "test_other.py" not in markdown
    assert "warning: 1 hand-written file(s) still use names removed from the client" in markdown.splitlines()[-1]
