"""The recorder process: exchanges sent through the pipe are checked, written in order and counted in the
report the parent gets back, also when the parent is stopped by a signal the child ignores."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import threading
import time
from pathlib import Path
from typing import IO

import pytest

import trafficcheck.recorder as recorder_module
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


EXCHANGES = 300


def big_exchange(order_id: int) -> Exchange:
    """20 KB of text: cheap to check (not JSON), so the backlog tests wait on the socket, not on the checks."""
    headers = [(b"content-type", b"text/plain")]
    body = b"x" * 20_000 + str(order_id).encode()
    return Exchange("GET", f"/api/orders/{order_id}", b"", [], b"", 200, headers, headers, body, None, 1.0)


def _stopped_recorder(tmp_path: Path) -> tuple[RecorderProcess, int, IO[str]]:
    cassette = open_cassette(tmp_path / "cassette.jsonl")
    process = RecorderProcess(Recorder(TrafficChecker.for_api("mash"), cassette, DeviationReport("mash", "sha"), print))
    child = process._process.pid
    assert child is not None
    os.kill(child, signal.SIGSTOP)  # a child that has fallen behind, as far behind as can be
    return process, child, cassette


def test_a_child_that_falls_behind_never_stalls_the_proxys_loop_below_the_backlog_bound(tmp_path: Path) -> None:
    process, child, cassette = _stopped_recorder(tmp_path)

    async def proxy_loop() -> tuple[int, int]:
        for order_id in range(1, EXCHANGES + 1):  # 6 MB: more than the socket holds while nobody reads
            process.take(big_exchange(order_id))
        process.flush()  # returns at once: what the socket did not take waits in the backlog
        waiting = len(process._out)
        os.kill(child, signal.SIGCONT)
        for _ in range(1000):  # the loop's writer callback sends the rest once the child reads again
            if not process._out:
                break
            await asyncio.sleep(0.01)
        return waiting, len(process._out)

    waiting, left = asyncio.run(proxy_loop())
    report = process.close()
    cassette.close()
    assert 0 < waiting <= recorder_module.MAX_BACKLOG_BYTES and left == 0
    assert report.exchanges == EXCHANGES


def test_beyond_the_backlog_bound_the_proxy_waits_for_the_child(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(recorder_module, "MAX_BACKLOG_BYTES", 64 * 1024)
    process, child, cassette = _stopped_recorder(tmp_path)
    resume = threading.Timer(0.5, os.kill, (child, signal.SIGCONT))
    resume.start()
    started = time.monotonic()
    for order_id in range(1, EXCHANGES + 1):
        process.take(big_exchange(order_id))
    process.flush()
    waited = time.monotonic() - started
    assert len(process._out) <= 64 * 1024 and waited >= 0.4  # it waited for the stopped child, memory bounded
    assert process.close().exchanges == EXCHANGES
    cassette.close()
    resume.join()


@pytest.mark.skipif(not hasattr(os, "sched_getscheduler"), reason="Linux scheduling policies")
@pytest.mark.parametrize(
    ("priority", "policy"),
    [
        ("normal", getattr(os, "SCHED_OTHER", 0)),
        ("batch", getattr(os, "SCHED_BATCH", 3)),
        ("idle", getattr(os, "SCHED_IDLE", 5)),
    ],
)
def test_the_child_runs_under_the_asked_scheduling_policy(tmp_path: Path, priority: str, policy: int) -> None:
    with open_cassette(tmp_path / "cassette.jsonl") as cassette:
        recorder = Recorder(TrafficChecker.for_api("mash"), cassette, DeviationReport("mash", "sha"), print)
        process = RecorderProcess(recorder, priority=priority)
        process.take(exchange(1))
        process.flush()
        child = process._process.pid
        assert child is not None
        seen = None
        for _ in range(500):  # the child sets its policy first thing, before it reads a batch
            seen = os.sched_getscheduler(child)
            if seen == policy:
                break
            time.sleep(0.01)
        report = process.close()
    assert seen == policy
    assert report.exchanges == 1


def test_an_unknown_priority_is_refused_before_any_child_starts(tmp_path: Path) -> None:
    with open_cassette(tmp_path / "cassette.jsonl") as cassette:
        recorder = Recorder(TrafficChecker.for_api("mash"), cassette, DeviationReport("mash", "sha"), print)
        with pytest.raises(ValueError, match="recorder priority 'urgent'"):
            RecorderProcess(recorder, priority="urgent")
