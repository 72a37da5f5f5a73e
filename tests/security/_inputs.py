"""Shared by the security tests on inputs: a throwaway repository, and the CLI run as a bounded process."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MEMORY_CAP = 1536 * 1024 * 1024  # an attack that still works fails the test, not the machine

SPEC = """\
openapi: 3.1.0
info: {title: Demo, version: "1.0"}
paths:
  /things/{id}:
    get:
      operationId: getThing
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
components:
  schemas:
    Thing:
      type: object
      properties:
        id: {type: string}
        status: {type: string, enum: [Open, Closed]}
"""

OVERLAY = """\
overlay: 1.0.0
info: {title: demo fixes, version: 1.0.0}
actions:
  - target: $.components.schemas.Thing.properties.id
    description: ids are documented as strings of digits
    update: {pattern: "^[0-9]+$"}
"""


def make_repo(root: Path, spec: str = SPEC, overlay: str = OVERLAY) -> Path:
    """A repository root with the real codegen/ settings and one API `demo` (spec + one overlay)."""
    shutil.copytree(REPO / "codegen" / "templates", root / "codegen" / "templates")
    shutil.copy(REPO / "codegen" / "openapi-python-client.yaml", root / "codegen")
    (root / "codegen" / "apis.yaml").write_text(
        "apis:\n  demo: {spec: specs/demo/openapi.yaml, overlays: overlays/demo, "
        "package: demo_client, project: demo-client, provenance: specs/demo/SOURCE.yaml}\n"
    )
    (root / "specs" / "demo").mkdir(parents=True)
    (root / "specs" / "demo" / "openapi.yaml").write_text(spec)
    (root / "specs" / "demo" / "SOURCE.yaml").write_text("origin: reconstructed\nsha256: x\n")
    (root / "overlays" / "demo").mkdir(parents=True)
    (root / "overlays" / "demo" / "10-fix.yaml").write_text(overlay)
    return root


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def run_cli(root: Path, *args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    """`python -m specforge ARGS` in `root`, with a memory cap and a (generous: CI machines are shared) time limit."""
    env = {**os.environ, "SPECFORGE_ROOT": str(root)}
    return subprocess.run(
        [sys.executable, "-m", "specforge", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=_cap_memory,
        check=False,
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes: 'untouched' means equal snapshots."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
