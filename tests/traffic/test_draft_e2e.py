"""Proxy → cassette → report → drafted overlay → generation with the draft → the recorded answers validate and decode.

Works in a copy of the repository's inputs (tmp_path as SPECFORGE_ROOT): nothing under overlays/ or generated/
of the checkout is touched.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from simulators._serving.runner import running_in_thread
from specforge import cli as specforge_cli
from specforge.apis import find_root, load_apis
from specforge.draft import pending_drafts, pending_drafts_markdown
from specforge.patched import load_patched
from specforge.pipeline import patch
from trafficcheck import TrafficChecker
from trafficcheck.proxy import ProxyApp, ProxyOptions
from trafficcheck.report import DeviationReport

from .deviant import create_app

DRAFTED_KINDS = {
    "list-for-object",
    "null",
    "undocumented-field",
    "undocumented-enum-value",
    "date-time-for-date",
    "undocumented-status",
}


def copy_inputs(root: Path, into: Path) -> None:
    for folder in ("codegen", "specs", "overlays"):
        shutil.copytree(root / folder, into / folder)
    for api in load_apis(root):
        (into / "generated" / api).mkdir(parents=True)
        for name in ("openapi.yaml", "STAMP.json"):
            shutil.copy(root / "generated" / api / name, into / "generated" / api / name)


def record(out: Path) -> tuple[Path, list[dict[str, Any]]]:
    """Traffic through the proxy to the deviant upstream; the report's JSON path and the cassette's entries."""
    checker = TrafficChecker.for_api("mash")
    cassette = io.StringIO()
    report = DeviationReport("mash", checker.spec_sha256, "cassette.jsonl")
    with running_in_thread(create_app()) as upstream:
        app = ProxyApp(checker, ProxyOptions(upstream), cassette, report, say=lambda _: None)
        with running_in_thread(app) as proxy:
            httpx.get(proxy + "/api/orders/2", auth=("merchant", "s3cret"))
            httpx.post(proxy + "/api/orders/2/cancel", json={})
            httpx.get(proxy + "/api/personinfo", params={"personId": "010771-123A"})
    json_path, _ = report.write(out)
    return json_path, [json.loads(line) for line in cassette.getvalue().splitlines()]


def test_a_drafted_overlay_makes_the_recorded_answers_valid_and_decodable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "repo"
    copy_inputs(find_root(), root)
    report_path, entries = record(tmp_path / "traffic")

    monkeypatch.setenv("SPECFORGE_ROOT", str(root))
    assert specforge_cli.main(["draft-overlay", str(report_path)]) == 0
    printed = capsys.readouterr().out
    assert "not drafted: GET /personinfo response : not-json has no overlay form" in printed
    (draft,) = pending_drafts(root)
    assert draft.parent == root / "overlays" / "mash" / "drafts"
    text = draft.read_text(encoding="utf-8")
    assert "x-quirk: DRAFT-1" in text and "first_entry: 1" in text and "x-evidence" in text

    listed = pending_drafts_markdown(root)
    assert f"`overlays/mash/drafts/{draft.name}`: " in listed and "DRAFT-1, DRAFT-2" in listed

    # Never applied automatically: the pipeline patches exactly what it patched before.
    api = load_apis(root)["mash"]
    assert draft not in api.overlay_files()
    assert patch(api).document == load_patched("mash", root / "generated").document

    # A reviewer adopts it: the last overlay file; then generate elsewhere with it.
    shutil.move(draft, root / "overlays" / "mash" / "99-adopted-drafts.yaml")
    build = tmp_path / "build"
    assert specforge_cli.main(["generate", "mash", "--into", str(build)]) == 0
    widened = TrafficChecker(load_patched("mash", build))
    drafted = [entry for entry in entries if {d["kind"] for d in entry["deviations"]} & DRAFTED_KINDS]
    assert [entry["operation"] for entry in drafted] == ["getOrder", "cancelOrder"]  # personinfo: not-json, no form
    for entry in drafted:
        response = entry["response"]
        body = response["body"]
        raw = json.dumps(body["json"]).encode() if "json" in body else body["text"].encode()
        checked = widened.check(
            method=entry["request"]["method"],
            path=entry["request"]["path"],
            query=[tuple(pair) for pair in entry["request"]["query"]],
            request_body=b"{}" if entry["request"]["body"] else b"",
            status=response["status"],
            response_body=raw,
        )
        assert checked.deviations == (), (entry["label"], checked.deviations)

    # The client generated from the widened spec decodes the recorded getOrder answer.
    script = (
        "import json, sys; sys.path.insert(0, sys.argv[1]);"
        "import mash_client; from mash_client.models import OrderResult;"
        "order = OrderResult.from_dict(json.loads(sys.argv[2]));"
        "print(mash_client.__file__, type(order.customer).__name__, order.status, order.invoicing_address)"
    )
    decoded = subprocess.run(
        [
            sys.executable,
            "-c",
            script,
            str(build / "mash" / "mash-client"),
            json.dumps(entries[0]["response"]["body"]["json"]),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert decoded.returncode == 0, decoded.stderr
    module, customer, status, address = decoded.stdout.split()
    assert module.startswith(str(build)) and customer == "list" and status.endswith("OnHold") and address == "None"
