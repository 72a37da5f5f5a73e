"""Replay: in order, created ids mapped, status and shape compared per exchange; the CLI's exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from tests.simulators.mash._orders import MERCHANT_ID
from trafficcheck import TrafficChecker
from trafficcheck.cli import main
from trafficcheck.proxy import ProxyApp, ProxyOptions
from trafficcheck.replay import replay, to_markdown
from trafficcheck.report import DeviationReport

from .deviant import create_app
from .scenarios import PRIMERS, SCENARIOS, record


@pytest.mark.parametrize("api", sorted(SCENARIOS))
def test_ids_the_recording_got_are_mapped_to_the_simulators(api: str) -> None:
    scenario = next(iter(SCENARIOS[api].values()))
    entries = record(api, scenario, before=PRIMERS[api])
    first_id = entries[0]["response"]["body"]["json"]
    fresh = record(api, scenario)[0]["response"]["body"]["json"]
    assert first_id != fresh  # the ids differ: replay must map them
    results = replay(entries)
    assert [result.replayed_status for result in results] == [entry["response"]["status"] for entry in entries]
    assert all(result.same for result in results), to_markdown(results, api)


def deviant_cassette() -> list[dict[str, Any]]:
    checker = TrafficChecker.for_api("mash")
    cassette = io.StringIO()
    options = ProxyOptions("http://mash.test", transport=httpx.ASGITransport(app=create_app(slow_seconds=0)))
    proxy = ProxyApp(checker, options, cassette, DeviationReport("mash", ""), say=lambda _: None)
    with TestClient(proxy, base_url="http://proxy.test") as client:
        client.get("/api/pricing", params={"merchantId": MERCHANT_ID})
        client.get("/api/orders/1")
        client.post("/api/orders/1/cancel", json={})
    return [json.loads(line) for line in cassette.getvalue().splitlines()]


def test_the_deviant_upstreams_answers_differ_from_the_simulators() -> None:
    results = replay(deviant_cassette())
    pricing, get_order, cancel = results
    assert pricing.recorded_status == pricing.replayed_status == 200
    assert (cancel.recorded_status, cancel.same) == (409, False)
    assert not get_order.same
    text = to_markdown(results, "deviant.jsonl")
    assert "3 exchanges" in text and "| #3 | POST /orders/{orderId}/cancel | 409 |" in text


def test_the_cli_exits_1_on_differences_2_on_a_bad_cassette(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deviant = tmp_path / "deviant.jsonl"
    deviant.write_text("".join(json.dumps(entry) + "\n" for entry in deviant_cassette()), encoding="utf-8")
    report = tmp_path / "replay.md"
    assert main(["replay", str(deviant), "--output", str(report)]) == 1
    assert "differ" in report.read_text(encoding="utf-8")
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"entry": 1}\nnot json\n', encoding="utf-8")
    assert main(["replay", str(broken)]) == 2
    assert "broken.jsonl:1: not a cassette entry" in capsys.readouterr().err
    good = Path(__file__).parents[2] / "contract_tests" / "cassettes" / "mash" / "orders.jsonl"
    assert main(["replay", str(good)]) == 0
