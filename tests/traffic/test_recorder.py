"""The recorder process: exchanges sent through the pipe are checked, written in order and counted in the
report the parent gets back, also when the parent is stopped by a signal the child ignores."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

from trafficcheck import TrafficChecker
from trafficcheck.proxy import open_cassette
from trafficcheck.recorder import Exchange, Recorder, RecorderProcess
from trafficcheck.report import DeviationReport

from .deviant import bent_order


def exchange(order_id: int) -> Exchange:
    body = json.dumps(bent_order()).encode()
    headers = [(b"content-type", b"application/json")]
    request = [("accept", "application/json")]
    return Exchange("GET", f"/api/orders/{order_id}", b"", request, b"", 200, headers, headers, body, None, 1.0)


def test_exchanges_sent_to_the_child_are_checked_written_in_order_and_reported(tmp_path: Path) -> None:
    checker = TrafficChecker.for_api("mash")
    lines: list[str] = []
    path = tmp_path / "cassette.jsonl"
    with open_cassette(path) as cassette:
        process = RecorderProcess(Recorder(checker, cassette, DeviationReport("mash", "sha"), lines.append))
        for order_id in range(1, 51):  # ~125 KB: more than a pipe holds, so the child is reading by now
            process.take(exchange(order_id))
        child = process._process.pid
        assert child is not None
        os.kill(child, signal.SIGINT)  # Ctrl-C reaches the whole process group: the child drains on regardless
        report = process.close()
    entries = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [entry["entry"] for entry in entries] == list(range(1, 51))
    assert [entry["request"]["path"] for entry in entries][:2] == ["/api/orders/1", "/api/orders/2"]
    assert report.exchanges == 50 and report.deviating == 50
    assert {d["kind"] for d in entries[0]["deviations"]} >= {"list-for-object", "undocumented-field"}
    assert lines == []  # the child says its lines in its own process (the parent's list stays empty)
