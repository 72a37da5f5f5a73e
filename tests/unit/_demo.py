"""A tiny API in a throwaway repository that uses the real codegen/ settings, for pipeline tests."""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

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


def make_demo_repo(root: Path) -> Path:
    """Lay out a repository root holding the real codegen/ settings and one small API named `demo`."""
    shutil.copytree(REPO / "codegen" / "templates", root / "codegen" / "templates")
    shutil.copy(REPO / "codegen" / "openapi-python-client.yaml", root / "codegen")
    shutil.copy(REPO / "codegen" / "UPSTREAM.yaml", root / "codegen")
    (root / "codegen" / "apis.yaml").write_text(
        "apis:\n  demo: {spec: specs/demo/openapi.yaml, overlays: overlays/demo, "
        "package: demo_client, project: demo-client}\n"
    )
    (root / "specs" / "demo").mkdir(parents=True)
    (root / "specs" / "demo" / "openapi.yaml").write_text(DEMO_SPEC)
    (root / "overlays" / "demo").mkdir(parents=True)
    (root / "overlays" / "demo" / "10-fix.yaml").write_text(DEMO_OVERLAY)
    return root
