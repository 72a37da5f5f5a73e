"""Headers are checked like bodies: media types against `content`, documented header parameters and response
headers (present when required, values against their schemas), through the proxy in front of the deviant
upstream and through ValidatingTransport.

Neither vendor spec documents a header parameter or a response header, so the tests that need them document
them in a copy of the patched Mash spec (`documented_headers`), the way a vendor's next release might.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from simulators._serving.runner import running_in_thread
from specforge.apis import find_root
from specforge.draft import draft_overlay
from specforge.overlay import apply_overlays, load_overlay
from specforge.patched import StampedSpec, load_patched
from trafficcheck import DeviationError, TrafficChecker, ValidatingTransport
from trafficcheck.proxy import ProxyApp, ProxyOptions
from trafficcheck.report import DeviationReport

from ._wait import entries
from .deviant import GOOD_ORDER, RATE_LIMIT, VENDOR_MEDIA_TYPE, create_app
from .test_draft_e2e import copy_inputs

ORDER_PATH = "/paths/~1orders~1{orderId}/get"
SECRET_KEY = "sk-live-4f9a2c7e"


def documented_headers() -> TrafficChecker:
    """The patched Mash spec, plus getOrder headers: two request parameters and two response headers."""
    document: dict[str, Any] = copy.deepcopy(load_patched("mash").document)
    operation = document["paths"]["/orders/{orderId}"]["get"]
    operation["parameters"] += [
        {"name": "X-Correlation-Id", "in": "header", "required": True, "schema": {"type": "integer"}},
        {"name": "X-Partner-Key", "in": "header", "schema": {"type": "string", "pattern": "^pk-[0-9]+$"}},
        {"name": "Accept", "in": "header", "required": True, "schema": {"const": "text/csv"}},  # ignored (§4.8.12.1)
    ]
    document.setdefault("components", {})["headers"] = {
        "RateLimit": {"required": True, "schema": {"type": "integer", "minimum": 0}},
    }
    operation["responses"]["200"]["headers"] = {
        "X-Request-Id": {"required": True, "schema": {"type": "string"}},
        "X-RateLimit-Remaining": {"$ref": "#/components/headers/RateLimit"},
        "Content-Type": {"required": True, "schema": {"const": "text/csv"}},  # ignored (§4.8.17.1)
    }
    return TrafficChecker(StampedSpec("mash", load_patched("mash").path, document, "sha256:headers-test"))


@dataclass
class Rig:
    upstream: str
    proxy: str
    cassette: io.StringIO
    report: DeviationReport


@pytest.fixture
def rig(request: pytest.FixtureRequest) -> Iterator[Rig]:
    checker = documented_headers() if getattr(request, "param", "") == "documented" else TrafficChecker.for_api("mash")
    with running_in_thread(create_app(slow_seconds=0)) as upstream:
        cassette = io.StringIO()
        report = DeviationReport("mash", checker.spec_sha256, "cassette.jsonl")
        app = ProxyApp(checker, ProxyOptions(upstream), cassette, report, say=lambda _: None)
        with running_in_thread(app) as proxy:
            yield Rig(upstream, proxy, cassette, report)


def deviations(rig: Rig, count: int) -> list[list[dict[str, Any]]]:
    return [entry["deviations"] for entry in entries(rig.cassette, count)]


def test_a_json_body_under_an_undocumented_media_type_is_a_content_type_deviation(rig: Rig) -> None:
    answer = httpx.post(rig.proxy + "/api/merchants", json={"name": "Kauppa"})
    assert answer.headers["content-type"] == VENDOR_MEDIA_TYPE  # passed on unchanged
    ((found,),) = deviations(rig, 1)
    assert found == {
        "kind": "content-type",
        "part": "response",
        "pointer": "content-type",
        "documented": "application/json",
        "observed": VENDOR_MEDIA_TYPE,
        "schema_pointer": "/paths/~1merchants/post/responses/200/content",
        "value": VENDOR_MEDIA_TYPE,
    }
    (operation,) = rig.report.to_json()["operations"]
    assert [(d["kind"], d["count"], d["first_entry"]) for d in operation["deviations"]] == [("content-type", 1, 1)]
    assert "| `response content-type` | content-type | application/json |" in rig.report.to_markdown()


def test_a_non_json_answer_reports_its_media_type_and_its_body(rig: Rig) -> None:
    httpx.get(rig.proxy + "/api/personinfo", params={"personId": "010771-123A"})
    ((media, body),) = deviations(rig, 1)
    assert (media["kind"], media["observed"], body["kind"]) == ("content-type", "text/html", "not-json")


def test_a_request_body_under_an_undocumented_media_type_is_the_requests_deviation(rig: Rig) -> None:
    httpx.post(rig.proxy + "/api/orders/2/cancel", content=b"{}", headers={"content-type": "text/plain"})
    httpx.post(rig.proxy + "/api/orders/2/cancel", json={})  # application/json: documented
    text_plain, json_body = deviations(rig, 2)
    assert [(d["kind"], d["part"], d["observed"]) for d in text_plain if d["part"] == "request"] == [
        ("content-type", "request", "text/plain")
    ]
    assert text_plain[0]["schema_pointer"] == "/paths/~1orders~1{orderId}~1cancel/post/requestBody/content"
    assert [d["kind"] for d in json_body] == ["undocumented-status"]  # the 409: no header deviation


@pytest.mark.parametrize("rig", ["documented"], indirect=True)
def test_documented_headers_are_checked_both_ways_through_the_proxy(rig: Rig) -> None:
    good = {"x-correlation-id": "42", "x-partner-key": "pk-7"}
    httpx.get(f"{rig.proxy}/api/orders/{GOOD_ORDER}", headers=good)
    bad = {"x-partner-key": SECRET_KEY}  # no correlation id, a key its pattern refuses
    httpx.get(f"{rig.proxy}/api/orders/{GOOD_ORDER}", headers=bad)
    first, second = deviations(rig, 2)
    response_side = {
        ("response", "missing-header", "x-request-id", "absent", f"{ORDER_PATH}/responses/200/headers/X-Request-Id"),
        ("response", "header", RATE_LIMIT[0], RATE_LIMIT[1], "/components/headers/RateLimit"),
    }
    assert {(d["part"], d["kind"], d["pointer"], d["observed"], d["schema_pointer"]) for d in first} == response_side
    assert {(d["part"], d["kind"], d["pointer"], d["observed"], d["schema_pointer"]) for d in second} == {
        *response_side,
        ("request", "missing-header", "x-correlation-id", "absent", f"{ORDER_PATH}/parameters/1"),
        ("request", "header", "x-partner-key", "<redacted>", f"{ORDER_PATH}/parameters/2"),
    }
    rate = next(d for d in first if d["kind"] == "header")
    assert '"type":"integer"' in rate["documented"]
    assert SECRET_KEY not in rig.cassette.getvalue() + json.dumps(rig.report.to_json()) + rig.report.to_markdown()


def test_validating_transport_raises_on_a_content_type_deviation(rig: Rig) -> None:
    transport = ValidatingTransport("mash", inner=httpx.HTTPTransport())
    with httpx.Client(transport=transport) as client:
        client.get(f"{rig.upstream}/api/orders/{GOOD_ORDER}")  # the documented example: nothing to raise
        with pytest.raises(DeviationError) as raised:
            client.post(rig.upstream + "/api/merchants", json={"name": "Kauppa"})
    assert [(d.kind, d.observed) for d in raised.value.checked.deviations] == [("content-type", VENDOR_MEDIA_TYPE)]


def test_validating_transport_checks_documented_headers() -> None:
    transport = ValidatingTransport(documented_headers(), inner=httpx.HTTPTransport(), raise_on_deviation=False)
    with running_in_thread(create_app(slow_seconds=0)) as upstream, httpx.Client(transport=transport) as client:
        client.get(f"{upstream}/api/orders/{GOOD_ORDER}", headers={"x-correlation-id": "not-a-number"})
    (checked,) = transport.checked
    assert {(d.part, d.kind, d.pointer) for d in checked.deviations} == {
        ("request", "header", "x-correlation-id"),
        ("response", "missing-header", "x-request-id"),
        ("response", "header", RATE_LIMIT[0]),
    }


def test_header_deviations_of_the_answer_become_drafted_overlay_actions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """content-type (a JSON media type) and missing-header are drafted; a header value and text/html are not."""
    root = tmp_path / "repo"
    copy_inputs(find_root(), root)
    # The spec of the copy documents getOrder's headers (its STAMP follows), as in `documented_headers`.
    spec = documented_headers()
    document = spec._document
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    target = root / "generated" / "mash" / "openapi.yaml"
    target.write_text(text, encoding="utf-8")
    stamp_path = root / "generated" / "mash" / "STAMP.json"
    stamp = json.loads(stamp_path.read_text(encoding="utf-8"))
    stamp["patched_spec"] = "sha256:" + hashlib.sha256(target.read_bytes()).hexdigest()
    stamp_path.write_text(json.dumps(stamp), encoding="utf-8")
    monkeypatch.setenv("SPECFORGE_ROOT", str(root))
    checker = TrafficChecker(load_patched.__wrapped__("mash", root / "generated"))
    cassette = io.StringIO()
    report = DeviationReport("mash", checker.spec_sha256, "cassette.jsonl")
    with running_in_thread(create_app(slow_seconds=0)) as upstream:
        app = ProxyApp(checker, ProxyOptions(upstream), cassette, report, say=lambda _: None)
        with running_in_thread(app) as proxy:
            httpx.post(proxy + "/api/merchants", json={"name": "Kauppa"})
            httpx.get(f"{proxy}/api/orders/{GOOD_ORDER}", headers={"x-correlation-id": "1"})
            httpx.get(proxy + "/api/personinfo", params={"personId": "010771-123A"})
    recorded = entries(cassette, 3)
    report_path, _ = report.write(tmp_path / "traffic")

    written, count, skipped = draft_overlay(report_path, root)
    assert count == 2
    assert any("content-type text/html is not JSON" in line for line in skipped)
    assert any("header has no overlay form" in line for line in skipped)  # x-ratelimit-remaining: plenty
    overlay = load_overlay(written)
    assert {(action.target, json.dumps(action.update, sort_keys=True)) for action in overlay.actions} >= {
        (
            "$['paths']['/orders/{orderId}']['get']['responses']['200']['headers']['X-Request-Id']",
            '{"required": false}',
        ),
    }
    media = next(action for action in overlay.actions if "merchants" in action.target)
    assert media.target == "$['paths']['/merchants']['post']['responses']['200']['content']"
    assert set(media.update) == {VENDOR_MEDIA_TYPE}

    # Adopted, the answers that deviated no longer do (in headers; the rate limit's value still does).
    widened = TrafficChecker(
        StampedSpec("mash", target, apply_overlays(document, [overlay]).document, "sha256:widened")
    )
    kinds = []
    for entry in recorded[:2]:
        response = entry["response"]
        checked = widened.check(
            method=entry["request"]["method"],
            path=entry["request"]["path"],
            query=[],
            request_body=b"",
            status=response["status"],
            response_body=json.dumps(response["body"]["json"]).encode(),
            response_headers=list(response["headers"].items()),
        )
        kinds += [d.kind for d in checked.deviations if d.part == "response"]
    assert kinds == ["header"]
