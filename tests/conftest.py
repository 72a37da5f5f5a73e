"""Shared fixtures: a throwaway repository with the real codegen/ and a tiny API, for pipeline tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

DEMO_SPEC = """\
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
              examples:
                one: {value: {id: "1", status: Open, kind: 1}}
components:
  schemas:
    Thing:
      type: object
      properties:
        id: {type: string}
        status: {type: string, enum: [Open, Closed]}
        kind: {type: integer}
"""

DEMO_OVERLAY = """\
overlay: 1.0.0
info: {title: demo fixes, version: 1.0.0}
actions:
  - target: $.components.schemas.Thing.properties.kind
    description: kind is documented in prose as 1 or 2
    x-quirk: DEMO-Q01
    update: {enum: [1, 2]}
"""


@pytest.fixture
def demo_repo(tmp_path: Path) -> Path:
    """A repository root holding the real codegen/ settings and one small API named `demo`."""
    shutil.copytree(REPO / "codegen" / "templates", tmp_path / "codegen" / "templates")
    shutil.copy(REPO / "codegen" / "openapi-python-client.yaml", tmp_path / "codegen")
    (tmp_path / "codegen" / "apis.yaml").write_text(
        "apis:\n  demo: {spec: specs/demo/openapi.yaml, overlays: overlays/demo, "
        "package: demo_client, project: demo-client}\n"
    )
    (tmp_path / "specs" / "demo").mkdir(parents=True)
    (tmp_path / "specs" / "demo" / "openapi.yaml").write_text(DEMO_SPEC)
    (tmp_path / "overlays" / "demo").mkdir(parents=True)
    (tmp_path / "overlays" / "demo" / "10-fix.yaml").write_text(DEMO_OVERLAY)
    return tmp_path
