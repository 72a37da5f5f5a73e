"""Sandbox contract runs end to end, against simulators served over real HTTP as the "sandbox" (issue 16 §4).

`pytest contract_tests …` runs in sandbox mode from environment variables, as a user would, in a subprocess;
the simulator stands behind ThrottlingSandbox (tests/sandbox/upstream.py), which answers a few requests with
429/503 + Retry-After, logs every arrival and keeps its own list of what the run's create calls created: the
ground truth the cassette, the budget and the cleanup report are checked against.
"""

from __future__ import annotations

import base64
import copy
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from simulators._serving import running_in_thread
from simulators.mash import create_app as create_mash
from simulators.mycashflow import DEFAULT_USER
from simulators.mycashflow import create_app as create_mycashflow
from specforge.patched import load_patched
from trafficcheck.replay import load_cassette, replay

from .upstream import Seen, Throttle, ThrottlingSandbox, max_in_window

ROOT = Path(__file__).resolve().parents[2]
RUN_TIMEOUT_S = 900  # a bound, not a speed target
MASH_AUTH = ("simulator", "simulator-password")
SCHEMATHESIS = "schemathesis/"
CLEANUP = "python-httpx/"  # the cleanup's own client; schemathesis sends as "schemathesis/<version>"
RATE = 40.0


def _contract_env(env_extra: dict[str, str]) -> dict[str, str]:
    # PYTEST_*: when this test runs in an xdist worker, its PYTEST_XDIST_WORKER would make the child run believe it
    # is one worker of a parallel run (and write its files under that worker's name).
    prefixes = ("CONTRACT_", "MASH_", "MYCASHFLOW_", "PYTEST_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    env = {k: v for k, v in env.items() if k.lower() not in {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}}
    return {**env, "CONTRACT_TARGET": "sandbox", **env_extra}


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--no-header", *args]


def _contract_run(env_extra: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    env = _contract_env(env_extra)
    return subprocess.run(
        _command(*args), cwd=ROOT, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT_S, check=False
    )


def _mash_order(method: str, path: str, body: Any) -> Any:
    return body.get("orderId") if (method, path) == ("POST", "/api/orders") and isinstance(body, dict) else None


def _order_body(client_order_id: str) -> dict[str, Any]:
    operation = load_patched("mash").document["paths"]["/orders"]["post"]
    body = copy.deepcopy(operation["requestBody"]["content"]["application/json"]["examples"]["Example 1"]["value"])
    body["clientOrderId"] = client_order_id
    return dict(body)


def _mash_status(url: str, order_id: str) -> str:
    answer = httpx.get(f"{url}/api/orders/{order_id}", auth=MASH_AUTH, timeout=10)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["status"])


def _in_future(seconds: int) -> str:
    return format_datetime(datetime.now(UTC) + timedelta(seconds=seconds), usegmt=True)


@pytest.fixture
def mash_sandbox() -> Iterator[tuple[ThrottlingSandbox, str, list[str]]]:
    """The Mash simulator as the sandbox, with three orders that exist before the run."""
    throttles = (Throttle(40, 429, lambda: "1"), Throttle(120, 503, lambda: _in_future(2)))
    sandbox = ThrottlingSandbox(create_mash(control=True), throttles, created_id=_mash_order)
    with running_in_thread(sandbox) as url:
        before = [
            httpx.post(f"{url}/api/orders", json=_order_body(f"before-{n}"), auth=MASH_AUTH, timeout=10).json()[
                "orderId"
            ]
            for n in range(3)
        ]
        sandbox.log.clear()
        sandbox.created.clear()
        yield sandbox, url, before


def test_a_mash_sandbox_run_records_keeps_to_its_budget_waits_when_asked_and_cancels_what_it_created(
    mash_sandbox: tuple[ThrottlingSandbox, str, list[str]], tmp_path: Path
) -> None:
    sandbox, url, before = mash_sandbox
    env = {"MASH_BASE_URL": f"{url}/api", "MASH_USERNAME": MASH_AUTH[0], "MASH_PASSWORD": MASH_AUTH[1]}
    options = ("--sandbox-record", str(tmp_path), "--sandbox-rate", str(RATE), "--sandbox-max-wait", "5")
    # Two operations (≈ 500 requests: 12 s at the budget): the one that creates, and one the budget is seen on.
    selection = ("-k", "POST and /orders] or GET and /pricing]")
    result = _contract_run(env, "contract_tests/test_server_contract.py", "--api", "mash", *options, *selection)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    folder = tmp_path / "mash"
    cassette = [json.loads(line) for line in (folder / "cassette.jsonl").read_text("utf-8").split("\n") if line]

    # Every exchange is in the cassette, in order: all that reached the sandbox but the two answers waited out.
    assert len(cassette) == len(sandbox.log) - 2 > 300
    assert [e["entry"] for e in cassette] == list(range(1, len(cassette) + 1))
    assert (folder / "deviations.json").is_file() and (folder / "deviations.md").is_file()
    _assert_redacted((folder / "cassette.jsonl").read_text("utf-8"), cassette)
    # ...and replays against the simulator like a proxy cassette (`nox -s replay`); fuzzed strings hold U+2028 &c.
    assert len(replay(load_cassette(folder / "cassette.jsonl"))) == len(cassette)

    # Retry-After: the same request again, no sooner than asked (1 s; an HTTP-date 2 s ahead, in whole seconds).
    throttled = [i for i, seen in enumerate(sandbox.log) if seen.status in (429, 503)]
    assert len(throttled) == 2
    for i in throttled:
        asked, again = sandbox.log[i], sandbox.log[i + 1]
        assert (again.method, again.path) == (asked.method, asked.path)
        assert again.at - asked.at >= 0.95
    assert "sandbox asked to wait 2 time(s) (Retry-After)" in result.stdout

    # The budget, from the arrival log: per second at most the rate plus the burst, with room for bunching.
    times = [seen.at for seen in sandbox.log if seen.user_agent.startswith(SCHEMATHESIS)]
    assert max_in_window(times, 1.0) <= RATE + 1 + 15, max_in_window(times, 1.0)
    assert max(times) - min(times) >= (len(times) - 1) / RATE * 0.9

    # Cleanup: exactly the orders the run created, each cancelled or named with the reason it could not be.
    report = json.loads((folder / "cleanup.json").read_text("utf-8"))
    orders = {item["id"]: item for item in report["items"] if item["created_by"] == "createOrder"}
    assert set(orders) == set(sandbox.created) and orders
    assert any(item["result"] == "cleaned" for item in orders.values())
    for order_id, item in orders.items():
        status = _mash_status(url, order_id)
        if item["result"] == "not cleaned":
            assert status not in ("Pending", "Approved") and "only when Pending, Approved" in item["reason"], item
        else:
            assert status == "Cancelled", (order_id, item, status)
    assert f"sandbox cleanup mash: {report['created']} created, {report['cleaned']} cleaned" in result.stdout

    # Nothing it did not create: the cleanup's requests name created orders only, and an order no test touched
    # (the last made before the run: the examples' orderId is the first one's) is still Pending.
    cleanup = [seen for seen in sandbox.log if seen.user_agent.startswith(CLEANUP)]
    assert cleanup and all(_order_in(seen) in orders for seen in cleanup), cleanup[:5]
    assert not any(_order_in(seen) in before for seen in cleanup)
    untouched = before[-1]
    assert not any(_order_in(seen) == untouched for seen in sandbox.log)
    assert _mash_status(url, untouched) == "Pending"


def _order_in(seen: Seen) -> str | None:
    found = re.match(r"/api/orders/([^/]+)", seen.path)
    return found.group(1) if found else None


def _assert_redacted(text: str, cassette: list[dict[str, Any]]) -> None:
    secret = base64.b64encode(":".join(MASH_AUTH).encode()).decode()
    assert MASH_AUTH[1] not in text and secret not in text
    sent = [e["request"]["headers"]["authorization"] for e in cassette if "authorization" in e["request"]["headers"]]
    assert len(sent) > len(cassette) / 2 and set(sent) == {"<redacted>"}  # some probes send none (ignored_auth)
    # The spec example's person (what schemathesis' examples phase sends) never appears; placeholders do.
    for personal in ("010771-257W", "Teppo Testaaja", "teppo.testaaja@mailinator.com", "+358401111111"):
        assert personal not in text, personal
    assert "010101-0101" in text and "redacted@example.invalid" in text
    assert set(re.findall(r"[\w.+-]+@[\w-]+\.[\w.]+", text)) <= {"redacted@example.invalid"}


@pytest.mark.parametrize("stop", ["interrupt", "sigterm"])
def test_an_interrupted_run_still_cancels_what_it_created(
    mash_sandbox: tuple[ThrottlingSandbox, str, list[str]], tmp_path: Path, stop: str
) -> None:
    sandbox, url, before = mash_sandbox
    env = {
        "MASH_BASE_URL": f"{url}/api",
        "MASH_USERNAME": MASH_AUTH[0],
        "MASH_PASSWORD": MASH_AUTH[1],
        "CONTRACT_SANDBOX_RECORD": str(tmp_path),
        "CONTRACT_SANDBOX_RATE": "100",
        "SANDBOX_TEST_ORDER": json.dumps(_order_body("interrupted-1")),
        "SANDBOX_TEST_STOP": "interrupt" if stop == "interrupt" else "wait",
    }
    interrupted = str(Path(__file__).with_name("interrupted_run.py"))
    command = _command("contract_tests/test_summary.py", interrupted, "--api", "mash")
    with subprocess.Popen(
        command, cwd=ROOT, env=_contract_env(env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as run:
        if stop == "sigterm":
            deadline = time.monotonic() + RUN_TIMEOUT_S
            while not sandbox.created and run.poll() is None and time.monotonic() < deadline:
                time.sleep(0.1)
            run.send_signal(signal.SIGTERM)
        output, _ = run.communicate(timeout=RUN_TIMEOUT_S)
    assert run.returncode == pytest.ExitCode.INTERRUPTED, output[-3000:]
    assert len(sandbox.created) == 1
    assert _mash_status(url, sandbox.created[0]) == "Cancelled"
    assert "sandbox cleanup mash: 1 created, 1 cleaned" in output
    report = json.loads((tmp_path / "mash" / "cleanup.json").read_text("utf-8"))
    assert [(item["id"], item["result"]) for item in report["items"]] == [(sandbox.created[0], "cleaned")]
    assert all(_mash_status(url, order_id) == "Pending" for order_id in before)


def test_a_retry_after_beyond_the_maximum_stops_the_run_which_fails_and_still_cleans_up(tmp_path: Path) -> None:
    throttles = (Throttle(0, 429, lambda: "3600"),)  # once the run has created an order
    sandbox = ThrottlingSandbox(create_mash(control=True), throttles, created_id=_mash_order)
    with running_in_thread(sandbox) as url:
        env = {"MASH_BASE_URL": f"{url}/api", "MASH_USERNAME": MASH_AUTH[0], "MASH_PASSWORD": MASH_AUTH[1]}
        options = ("--sandbox-record", str(tmp_path), "--sandbox-rate", "200", "--sandbox-max-wait", "2")
        selection = ("-k", "POST and /orders]")
        result = _contract_run(env, "contract_tests/test_server_contract.py", "--api", "mash", *options, *selection)
        assert result.returncode == pytest.ExitCode.TESTS_FAILED, result.stdout[-3000:]
        assert "SANDBOX LIMIT: POST /api/orders answered 429 with Retry-After 3600 s, beyond the 2 s maximum" in (
            result.stdout
        )
        assert "the sandbox run stops: " in result.stdout
        # Nothing more was sent once it asked for an hour, but the cleanup of what the run had created.
        [asked] = [i for i, seen in enumerate(sandbox.log) if seen.status == 429]
        after = sandbox.log[asked + 1 :]
        assert after and all(seen.user_agent.startswith(CLEANUP) for seen in after), after[:3]
        assert len(sandbox.created) == 1
        for order_id in sandbox.created:
            assert _mash_status(url, order_id) == "Cancelled"


def _mcf_item(method: str, path: str, body: Any) -> Any:
    found = re.fullmatch(r"/api/v1/(products|brands|orders)", path)
    if method != "POST" or found is None or not isinstance(body, dict):
        return None
    return (found.group(1), body["data"]["id"])


def _cleanup_requests(created: set[tuple[str, int]]) -> set[tuple[str, ...]]:
    """What the cleanup may send: a DELETE per product and brand; per order a v1 read and the v0 cancel."""
    expected: set[tuple[str, ...]] = set()
    for resource, item_id in created:
        if resource == "orders":
            expected |= {("GET", "v1", "orders", str(item_id)), ("POST", "v0", "orders", str(item_id), "cancel")}
        else:
            expected.add(("DELETE", "v1", resource, str(item_id)))
    return expected


def test_a_mycashflow_sandbox_run_deletes_what_it_created_and_nothing_else(tmp_path: Path) -> None:
    sandbox = ThrottlingSandbox(create_mycashflow(seed=0, https_only=False, control=True), created_id=_mcf_item)
    auth = (DEFAULT_USER.email, DEFAULT_USER.api_key)

    def listed(resource: str) -> dict[int, Any]:
        answer = httpx.get(f"{url}/api/v1/{resource}", auth=auth, timeout=10).json()["data"]
        return {item["id"]: item.get("status") for item in answer}

    def status(resource: str, item_id: int) -> int:
        return httpx.get(f"{url}/api/v1/{resource}/{item_id}", auth=auth, timeout=10).status_code

    with running_in_thread(sandbox) as url:
        seeded = {resource: listed(resource) for resource in ("products", "brands", "orders")}
        sandbox.log.clear()
        env = {
            "MYCASHFLOW_BASE_URL": f"{url}/api/v1",
            "MYCASHFLOW_V0_BASE_URL": f"{url}/api/v0",  # the v0 API cancels the orders v1 created
            "MYCASHFLOW_USERNAME": auth[0],
            "MYCASHFLOW_API_KEY": auth[1],
            "CONTRACT_ALLOW_WRITES": "1",
            "CONTRACT_SANDBOX_RATE": "500",
        }
        selection = ("-k", "POST and /brands] or POST and /products] or POST and /orders]")
        apis = ("--api", "mycashflow", "--api", "mycashflow_v0")
        args = ("contract_tests/test_server_contract.py", *apis, "--sandbox-record", str(tmp_path))
        result = _contract_run(env, *args, *selection)
        assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
        cleanup = [seen for seen in sandbox.log if seen.user_agent.startswith(CLEANUP)]  # before this test's GETs
        report = json.loads((tmp_path / "mycashflow" / "cleanup.json").read_text("utf-8"))
        kinds = {"createProduct": "products", "createBrand": "brands", "createOrder": "orders"}
        created = {(kinds[item["created_by"]], item["id"]) for item in report["items"]}
        assert created == set(sandbox.created) and {kind for kind, _ in created} == {"products", "brands", "orders"}
        assert report["cleaned"] == len(created) and report["not_cleaned"] == 0
        for resource, item_id in created:
            if resource == "orders":  # never deleted: cancelled through v0
                order = httpx.get(f"{url}/api/v1/orders/{item_id}", auth=auth, timeout=10).json()["data"]
                assert order["status"] == "cancelled", order
            else:
                assert status(resource, item_id) == 404
        # The cleanup touched created items only; every seeded product, brand and order is as it was.
        assert {(seen.method, *seen.path.split("/")[2:]) for seen in cleanup} == _cleanup_requests(created)
        for resource in ("products", "brands"):
            assert all(status(resource, item_id) == 200 for item_id in seeded[resource])
        after = listed("orders")
        assert {item_id: after[item_id] for item_id in seeded["orders"]} == seeded["orders"]


def test_xdist_workers_share_the_budget_and_each_records_and_cleans_its_own(tmp_path: Path) -> None:
    sandbox = ThrottlingSandbox(create_mash(control=True), created_id=_mash_order)
    with running_in_thread(sandbox) as url:
        env = {"MASH_BASE_URL": f"{url}/api", "MASH_USERNAME": MASH_AUTH[0], "MASH_PASSWORD": MASH_AUTH[1]}
        options = ("--sandbox-record", str(tmp_path), "--sandbox-rate", "200", "-n", "2", "-k", "POST and /orders]")
        result = _contract_run(env, "contract_tests/test_server_contract.py", "--api", "mash", *options)
        assert result.returncode == 0, result.stdout[-3000:]
        # One worker ran the one test: only its folder is left (the idle worker's and the controller's are removed).
        [folder] = [path.name for path in tmp_path.iterdir()]
        assert re.fullmatch(r"mash-gw[01]", folder), folder
        worker = folder.removeprefix("mash-")
        assert f"[{worker}] sandbox budget: 100 request(s)/s per origin" in result.stdout  # 200 shared by 2
        assert f"[{worker}] sandbox cleanup mash: 1 created, 1 cleaned" in result.stdout
        # Every exchange that reached the sandbox is in that worker's cassette, the cleanup's read and cancel too.
        entries = (tmp_path / folder / "cassette.jsonl").read_text("utf-8").split("\n")
        assert len([entry for entry in entries if entry]) == len(sandbox.log)
        assert len(sandbox.created) == 1 and _mash_status(url, sandbox.created[0]) == "Cancelled"


@pytest.mark.parametrize("allowed", [False, True], ids=["by-default", "leftovers-allowed"])
def test_a_create_nothing_can_undo_is_not_sent_unless_leftovers_are_allowed(tmp_path: Path, allowed: bool) -> None:
    """Mash's addMerchant makes a merchant no operation removes: a run that sends it cannot leave no trace."""
    sandbox = ThrottlingSandbox(create_mash(control=True), (), created_id=None)
    with running_in_thread(sandbox) as url:
        env = {"MASH_BASE_URL": f"{url}/api", "MASH_USERNAME": MASH_AUTH[0], "MASH_PASSWORD": MASH_AUTH[1]}
        if allowed:
            env["CONTRACT_SANDBOX_ALLOW_LEFTOVERS"] = "1"
        options = ("--sandbox-record", str(tmp_path), "--sandbox-rate", "1000")
        selection = ("-k", "POST and /merchants] or GET and /pricing]")
        result = _contract_run(env, "contract_tests/test_server_contract.py", "--api", "mash", *options, *selection)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    merchants = [seen for seen in sandbox.log if (seen.method, seen.path) == ("POST", "/api/merchants")]
    assert any(seen.path.startswith("/api/pricing") for seen in sandbox.log)  # the run did reach the sandbox
    if allowed:
        assert merchants and "NOT SENT" not in result.stdout
        report = json.loads((tmp_path / "mash" / "cleanup.json").read_text("utf-8"))
        left = [item for item in report["items"] if item["created_by"] == "addMerchant"]
        assert left and all(item["result"] == "not cleaned" for item in left)
    else:
        assert merchants == []
        assert "NOT SENT: mash addMerchant — no operation removes what they create" in result.stdout
