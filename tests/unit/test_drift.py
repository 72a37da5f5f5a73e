"""The drift check on a tiny API: clean after regeneration; names each changed, added, removed file and input."""

from __future__ import annotations

from pathlib import Path

from specforge.apis import load_apis
from specforge.drift import check_drift
from specforge.generate import regenerate


def _regenerate(root: Path) -> None:
    regenerate(list(load_apis(root).values()), root)


def test_drift_is_clean_after_regeneration_and_names_each_changed_file(demo_repo: Path) -> None:
    _regenerate(demo_repo)
    apis = list(load_apis(demo_repo).values())
    assert check_drift(apis, demo_repo).clean
    client = demo_repo / "generated" / "demo" / "demo-client" / "demo_client"
    (client / "types.py").write_text((client / "types.py").read_text() + "# hand edit\n")
    (client / "extra.py").write_text("x = 1\n")
    (client / "py.typed").unlink()
    report = check_drift(apis, demo_repo)
    assert list(report.changed) == ["generated/demo/demo-client/demo_client/types.py"]
    assert "+# hand edit" not in report.changed["generated/demo/demo-client/demo_client/types.py"]
    assert "-# hand edit" in report.changed["generated/demo/demo-client/demo_client/types.py"]
    assert report.removed == ["generated/demo/demo-client/demo_client/extra.py"]
    assert report.added == ["generated/demo/demo-client/demo_client/py.typed"]
    assert "run `nox -s generate`" in report.summary()


def test_drift_detects_an_input_change(demo_repo: Path) -> None:
    _regenerate(demo_repo)
    spec = demo_repo / "specs" / "demo" / "openapi.yaml"
    spec.write_text(spec.read_text().replace("kind: {type: integer}", "kind: {type: integer, description: Kind.}"))
    report = check_drift(list(load_apis(demo_repo).values()), demo_repo)
    assert "generated/demo/openapi.yaml" in report.changed
    assert "generated/demo/STAMP.json" in report.changed


def test_drift_flags_a_hand_edited_vendored_spec(demo_repo: Path) -> None:
    registry = demo_repo / "codegen" / "apis.yaml"
    registry.write_text(
        registry.read_text().replace(
            "project: demo-client}", "project: demo-client, provenance: specs/demo/SOURCE.yaml}"
        )
    )
    (demo_repo / "specs" / "demo" / "SOURCE.yaml").write_text("origin: downloaded\nsha256: 0000\n")
    _regenerate(demo_repo)
    report = check_drift(list(load_apis(demo_repo).values()), demo_repo)
    assert len(report.provenance) == 1 and "edited by hand" in report.provenance[0]
