"""Fault rules and the journal in-process: bad rules are named, faults strike before or after the change,
the journal keeps a bounded, redacted record; the CLI refuses a bad --fault with exit 2."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from simulators._serving import Harness, parse_fault
from simulators._serving.journal import Journal, redact
from simulators.cli import main
from simulators.mash import DEFAULT_MERCHANT, create_app

AUTH = (DEFAULT_MERCHANT.username, DEFAULT_MERCHANT.password)
JSON = {"Accept": "application/json"}
ORDER = {
    "merchantId": DEFAULT_MERCHANT.merchant_id, "clientOrderId": "J-1", "paymentType": "Invoice",
    "customer": {"personId": "010771-123K", "name": "Teppo Testaaja", "locale": "fi-FI"},
    "orderItems": [{"articleId": "A1", "description": "Tuote", "pricePerUnit": 10, "numberOfUnits": 1,
                    "vatPercent": 24, "type": 1}],
}  # fmt: skip


@pytest.mark.parametrize(
    ("rule", "named"),
    [
        ("kind=slow", "fault kind"),
        ("kind=status,status=404", "fault status"),
        ("kind=latency,ms=500-100", "fault ms"),
        ("kind=latency,ms=999999999", "fault ms"),
        ("kind=status,rate=2", "fault rate"),
        ("kind=status,when=during", "fault when"),
        ("kind=status,colour=red", "unknown key"),
        ("kind=status,body=maybe", "fault body"),
        ("kind", "key=value"),
    ],
)
def test_a_bad_rule_is_refused_naming_the_key(rule: str, named: str) -> None:
    with pytest.raises(ValueError, match=named):
        parse_fault(rule)


def test_the_cli_refuses_a_bad_fault_with_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["serve", "mash", "--fault", "kind=status,status=404"])
    assert exited.value.code == 2
    assert "--fault" in capsys.readouterr().err


def test_a_fault_before_the_change_leaves_the_state_and_one_after_keeps_it() -> None:
    harness = Harness.of([parse_fault("op=createOrder,kind=status,status=503,when=before,times=1")])
    with TestClient(create_app(control=True, harness=harness), headers=JSON) as client:
        refused = client.post("/api/orders", json=ORDER, auth=AUTH)
        assert refused.status_code == 503 and refused.json() == {"error": "simulated fault: HTTP 503"}
        assert client.get("/_sim/client-orders/J-1").status_code == 404
        client.post("/_sim/faults", json={"op": "createOrder", "kind": "status", "status": 500, "when": "after",
                                          "body": False})  # fmt: skip
        lost = client.post("/api/orders", json=ORDER, auth=AUTH)
        assert lost.status_code == 500 and lost.content == b""
        assert client.get("/_sim/client-orders/J-1").status_code == 200
        assert [rule["fired"] for rule in client.get("/_sim/faults").json()["faults"]] == [1, 1]
        assert client.delete("/_sim/faults").json() == {"faults": []}
        assert client.post("/api/orders", json={**ORDER, "clientOrderId": "J-2"}, auth=AUTH).status_code == 200


def test_a_reset_brings_back_the_start_faults_afresh_and_empties_the_journal() -> None:
    """Like WireMock's /__admin/reset: a test that resets first sees only its own traffic and the start's rules."""
    harness = Harness.of([parse_fault("op=createOrder,kind=status,status=503,when=before,times=1")])
    with TestClient(create_app(control=True, harness=harness), headers=JSON) as client:
        assert client.post("/api/orders", json=ORDER, auth=AUTH).status_code == 503  # the start rule, used up
        client.post("/_sim/faults", json={"op": "getOrder", "kind": "status", "status": 500})  # added later
        assert len(client.get("/_sim/requests").json()["requests"]) == 1
        answer = client.post("/_sim/reset").json()
        assert [(rule["op"], rule["fired"]) for rule in answer["faults"]] == [("createOrder", 0)]
        assert client.get("/_sim/requests").json()["requests"] == []
        assert client.post("/api/orders", json=ORDER, auth=AUTH).status_code == 503  # it strikes again
        assert client.post("/api/orders", json=ORDER, auth=AUTH).status_code == 200


def test_a_bad_rule_over_the_control_api_is_a_400() -> None:
    with TestClient(create_app(control=True), headers=JSON) as client:
        answer = client.post("/_sim/faults", json={"kind": "status", "rate": "often"})
        assert answer.status_code == 400 and "fault rate" in answer.json()["error"]
        assert client.get("/_sim/faults").json() == {"faults": []}


def test_the_journal_filters_redacts_and_clears() -> None:
    with TestClient(create_app(control=True), headers=JSON) as client:
        created = client.post("/api/orders", json=ORDER, auth=AUTH).json()
        client.get(f"/api/orders/{created['orderId']}", auth=AUTH)
        client.get("/api/orders/999999", auth=AUTH)
        entries = client.get("/_sim/requests").json()["requests"]
        assert [(e["operation"], e["method"], e["status"]) for e in entries] == [
            ("createOrder", "POST", 200), ("getOrder", "GET", 200), ("getOrder", "GET", 400),
        ]  # fmt: skip
        body = entries[0]["request_body"]
        assert body["customer"] == {"personId": "<redacted>", "name": "<redacted>", "locale": "fi-FI"}
        assert body["clientOrderId"] == "J-1"
        text = client.get("/_sim/requests").text
        assert "010771" not in text and "Teppo" not in text and AUTH[1] not in text
        only = client.get("/_sim/requests", params={"operation": "getOrder", "status": "2xx"}).json()["requests"]
        assert len(only) == 1 and only[0]["path"] == f"/api/orders/{created['orderId']}"
        assert client.delete("/_sim/requests").status_code == 200
        assert client.get("/_sim/requests").json()["requests"] == []


def test_the_journal_keeps_only_the_last_n() -> None:
    journal = Journal(3)
    for i in range(5):
        journal.record("op", "GET", f"/{i}", 200, 0.0, None, None)
    assert [e["path"] for e in journal.find()] == ["/2", "/3", "/4"]


def test_redaction_covers_credentials_and_people_anywhere() -> None:
    shown = redact({"api_key": "k", "items": [{"email": "a@b.fi"}], "billing_address": {"city": "Turku"},
                    "product": {"name": "Kahvi"}})  # fmt: skip
    assert shown == {"api_key": "<redacted>", "items": [{"email": "<redacted>"}],
                     "billing_address": {"city": "<redacted>"}, "product": {"name": "Kahvi"}}  # fmt: skip
