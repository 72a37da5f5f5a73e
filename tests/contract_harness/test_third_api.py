"""A third API added through the registry alone: one entry in codegen/apis.yaml and a spec, no code.

In a throwaway repository holding the real codegen/ settings, a small fixture API (`parcels`, two operations,
no SDK client, no simulator) is generated, drift-checked and reviewed by the CLI, then the real contract suite
runs on it in a child pytest: its documented and schema-drawn responses decode through the generated client,
and its server-side tests are deselected, reported as "not simulated".
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from specforge import _yaml
from specforge.document import load_json_document

REPO = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).parent / "fixtures" / "parcels" / "openapi.yaml"
# Data only: the entry every API has, with its bindings below generated/ declared absent.
ENTRY = """apis:
  parcels:
    spec: specs/parcels/openapi.yaml
    overlays: overlays/parcels
    package: parcels_client
    project: parcels-client
    sdk: null
    simulator: null
    contract:
      in_process_url: https://parcels.example.invalid/api
      sandbox: {url: PARCELS_BASE_URL, credentials: [PARCELS_USERNAME, PARCELS_PASSWORD]}
      production_domains: [parcels.example.invalid]
    readme: null
"""


def _run(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "SPECFORGE_ROOT": str(root), **(env or {})}
    return subprocess.run(args, cwd=root, env=environ, capture_output=True, text=True, check=False)


def _git(root: Path, *args: str) -> None:
    _run(root, "git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args).check_returncode()


@pytest.fixture(scope="module")
def third(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository with `parcels` generated: first with one operation (committed), then with both."""
    root = tmp_path_factory.mktemp("third") / "repo"
    shutil.copytree(REPO / "codegen" / "templates", root / "codegen" / "templates")
    for name in ("openapi-python-client.yaml", "UPSTREAM.yaml"):
        shutil.copy(REPO / "codegen" / name, root / "codegen" / name)
    (root / "codegen" / "apis.yaml").write_text(ENTRY, encoding="utf-8")
    (root / "overlays" / "parcels").mkdir(parents=True)
    spec = root / "specs" / "parcels" / "openapi.yaml"
    spec.parent.mkdir(parents=True)
    base = load_json_document(FIXTURE)
    del base["paths"]["/parcels"]
    _yaml.dump(base, spec)
    generated = _run(root, sys.executable, "-m", "specforge", "generate")
    assert generated.returncode == 0, generated.stderr
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "parcels with one operation")
    shutil.copy(FIXTURE, spec)
    generated = _run(root, sys.executable, "-m", "specforge", "generate")
    assert generated.returncode == 0, generated.stderr
    return root


def test_it_is_generated_and_drift_checked(third: Path) -> None:
    client = third / "generated" / "parcels" / "parcels-client" / "parcels_client" / "api" / "parcels"
    assert sorted(path.name for path in client.glob("*_parcel.py")) == ["create_parcel.py", "get_parcel.py"]
    drift = _run(third, sys.executable, "-m", "specforge", "drift")
    assert drift.returncode == 0, drift.stdout + drift.stderr
    patched = third / "generated" / "parcels" / "openapi.yaml"
    committed = patched.read_bytes()
    patched.write_text("openapi: 3.1.0\n", encoding="utf-8")
    try:
        drift = _run(third, sys.executable, "-m", "specforge", "drift")
    finally:
        patched.write_bytes(committed)
    assert drift.returncode == 1 and "generated/parcels/openapi.yaml" in drift.stdout


def test_it_is_reviewed(third: Path) -> None:
    review = _run(third, sys.executable, "-m", "specforge", "review", "--base", "main")
    assert review.returncode == 0, review.stdout + review.stderr
    assert "parcels" in review.stdout and "POST /parcels" in review.stdout


def test_the_contract_suite_decodes_it_and_says_it_is_not_simulated(third: Path) -> None:
    client = third / "generated" / "parcels" / "parcels-client"
    path = os.pathsep.join(filter(None, (str(client), os.environ.get("PYTHONPATH"))))
    run = _run(
        REPO,
        sys.executable,
        "-m",
        "pytest",
        "contract_tests/test_client_decodes.py",
        "contract_tests/test_server_contract.py",
        "-k",
        "parcels",
        "-p",
        "no:cacheprovider",
        "-q",
        env={"SPECFORGE_ROOT": str(third), "PYTHONPATH": path, "CONTRACT_TARGET": "in-process"},
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    # Both operations' responses (200, 404, 201, 400), schema-drawn and documented: 8 decoding tests.
    assert "8 passed" in output, output
    assert "NOT SELECTED: parcels contract tests — not simulated" in output, output
    assert "deselected" in output, output
