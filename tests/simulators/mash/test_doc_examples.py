"""Every request example of the Mash document, sent to the simulator: accepted, or listed in the README.

The examples come from the raw transcription (specs/mash/openapi.yaml, the vendor's text before any
overlay): each "Example 1" request line and body, each request parameter's `example`, and the header
examples of "General > Headers". A request the walk has to change before sending (an order id of
Mash's own system, a `{merchantId}` placeholder) or that the simulator refuses must be named, with its
reason, in the Mash simulator's README; everything else must be accepted exactly as published.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from starlette.testclient import TestClient

from simulators.mash import DEFAULT_MERCHANT, create_app
from specforge import _yaml
from specforge.openapi import iter_operations

from ._orders import AUTH, BASE, JSON

ROOT = Path(__file__).resolve().parents[3]
RAW_SPEC = ROOT / "specs" / "mash" / "openapi.yaml"
README = ROOT / "src" / "simulators" / "mash" / "README.md"  # the Mash simulator's behaviour, rule by rule
_REQUEST_LINE = re.compile(r"^(GET|POST) https://fi\.mash\.com/api(\S+) HTTP/1\.1$")
OK_URL, CANCEL_URL = "https://shop.test/ok", "https://shop.test/cancel"

# Examples the walk cannot send exactly as published, each with the README text that gives the reason.
LISTED = {
    "header Authorization": "Basic 0b79bab50daca910b000d4f1a2b675d604257e42",
    "getOrder Example 1": "123213213",
    "chargeOrder Example 1": "223322332",
    "chargeOrder parameter examples": "223322332",
    "refundOrder Example 1": "1232321",
    "getPayoutReport Example 1": "endTime=2020-10-27T00:00:00Z?startTime=",
    "getPayoutReport parameter examples": "{merchantId}",
}


@dataclass(frozen=True)
class Example:
    """One published request: `target` is the path and query after https://fi.mash.com/api, as written."""

    key: str
    operation_id: str
    method: str
    target: str
    body: Any = None
    published_status: str | None = None  # the "status" of the doc's response example, when it shows one


def _document() -> dict[str, Any]:
    document: dict[str, Any] = _yaml.load(RAW_SPEC)
    return document


def _walk(document: dict[str, Any]) -> Iterator[Example]:
    """The request examples of every operation, then the header examples of "General > Headers"."""
    for operation in iter_operations(document):
        op, op_id = operation.node, str(operation.operation_id)
        status = _published_status(op)
        body_examples = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("examples", {})
        for name, example in body_examples.items():
            line = _REQUEST_LINE.fullmatch(example["description"].strip())
            assert line is not None, f"{op_id} {name}: no request line"
            yield Example(f"{op_id} {name}", op_id, line[1], line[2], example["value"], status)
        if not body_examples:  # GET: the request line is the description of the response example
            for name, example in _response_examples(op):
                line = _REQUEST_LINE.fullmatch(example.get("description", "").strip())
                if line is not None:
                    yield Example(f"{op_id} {name}", op_id, line[1], line[2], None, status)
        params = operation.parameters
        if any("example" in p for p in params if p["in"] in ("path", "query")):
            target = operation.path.split("?", 1)[0]
            query = []
            for p in params:
                value = p.get("example", "{" + p["name"] + "}")
                if p["in"] == "path":
                    target = target.replace("{" + p["name"] + "}", value)
                elif p["in"] == "query" and "example" in p:
                    query.append(f"{p['name']}={value}")
            target += "?" + "&".join(query) if query else ""
            body = next(iter(body_examples.values()))["value"] if body_examples else None
            yield Example(f"{op_id} parameter examples", op_id, operation.method.upper(), target, body, status)
    scheme = document["components"]["securitySchemes"]["basicAuth"]["description"]
    authorization = re.search(r"Authorization: (Basic \S+)", scheme)
    assert authorization is not None
    yield Example("header Authorization", "getPricing", "GET", "/pricing?merchantId=232423424", authorization[1])


def _response_examples(op: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for response in op.get("responses", {}).values():
        yield from response.get("content", {}).get("application/json", {}).get("examples", {}).items()


def _published_status(op: dict[str, Any]) -> str | None:
    for _, example in _response_examples(op):
        value = example.get("value")
        if isinstance(value, dict) and isinstance(value.get("status"), str):
            return str(value["status"])
    return None


EXAMPLES = list(_walk(_document()))


def test_the_walk_finds_every_request_example_of_the_document() -> None:
    """A transcription change that loses an example fails here, not silently."""
    assert sorted(e.key for e in EXAMPLES) == sorted(
        [
            "getPricing Example 1",
            "getPricing parameter examples",
            "getPersonInfo Example 1",
            "getPersonInfo parameter examples",
            "createOrder Example 1",
            "getOrder Example 1",
            "chargeOrder Example 1",
            "chargeOrder parameter examples",
            "refundOrder Example 1",
            "addMerchant Example 1",
            "getPayoutReport Example 1",
            "getPayoutReport parameter examples",
            "header Authorization",
        ]
    )


def test_every_listed_example_is_named_in_the_readme_with_its_reason() -> None:
    text = README.read_text(encoding="utf-8")
    chapter = text[text.index("Examples the simulator cannot take as published") :]
    for key, marker in LISTED.items():
        assert marker in chapter, f"{key}: the README does not list {marker!r}"


class _Walk:
    """A fresh simulator, and the orders an example needs to exist before it is sent."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.create = next(e for e in EXAMPLES if e.key == "createOrder Example 1")
        self.charge = next(e for e in EXAMPLES if e.key == "chargeOrder Example 1")

    def send(self, method: str, target: str, body: Any = None, auth: Any = AUTH) -> httpx.Response:
        headers = {**JSON, "Content-Type": "application/json"} if body is not None else dict(JSON)
        kwargs: dict[str, Any] = {"headers": headers}
        if isinstance(auth, str):
            headers["Authorization"] = auth
        else:
            kwargs["auth"] = auth
        if body is not None:
            kwargs["json"] = body
        response: httpx.Response = self.client.request(method, "/api" + target, **kwargs)
        return response

    def order(self, operation_id: str) -> str:
        """The order this operation's example acts on: created by the doc's own create example."""
        created = self.send("POST", "/orders", self.create.body)
        assert created.status_code == 200, created.text
        order_id = str(created.json()["orderId"])
        if operation_id in ("chargeOrder", "refundOrder"):  # approve it as the doc says: the redirect flow
            customer = self.create.body["customer"]
            form = {
                "merchantId": str(self.create.body["merchantId"]),
                "clientOrderId": self.create.body["clientOrderId"],
                "ssn": customer["personId"],
                "okUrl": OK_URL,
                "cancelUrl": CANCEL_URL,
            }
            answer = self.client.post("/redirect/authenticate", data=form, follow_redirects=False)
            assert (answer.status_code, answer.headers.get("location")) == (303, OK_URL), answer.text
        if operation_id == "refundOrder":
            charged = self.send("POST", f"/orders/{order_id}/charge", self.charge.body)
            assert charged.status_code == 200, charged.text
        return order_id


def _as_sent(example: Example, walk: _Walk) -> tuple[str, str]:
    """The request line the walk sends; listed examples get their documented substitution."""
    target = example.target
    if example.operation_id in ("getOrder", "chargeOrder", "refundOrder"):
        published_id = target.split("/")[2]
        target = target.replace(f"/orders/{published_id}", f"/orders/{walk.order(example.operation_id)}", 1)
    if example.operation_id == "getPayoutReport":
        target = target.replace("{merchantId}", str(DEFAULT_MERCHANT.merchant_id))
        if target.count("?") > 1:  # the doc's request line repeats its query string after a second "?"
            target = target[: target.index("?", target.index("?") + 1)]
    return example.method, quote(target, safe="/?&=:")


@pytest.fixture
def walk() -> Iterator[_Walk]:
    with TestClient(create_app(control=True), base_url=BASE) as client:
        yield _Walk(client)


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.key for e in EXAMPLES])
def test_the_simulator_accepts_the_request_example(example: Example, walk: _Walk) -> None:
    if example.key == "header Authorization":
        # Listed: 40 hex digits, not base64 of "username:password"; accepting it would accept any key.
        assert walk.send(example.method, example.target, auth=example.body).status_code == 401
        return
    method, target = _as_sent(example, walk)
    assert (target != example.target) == (example.key in LISTED), f"{example.key}: sent as {target}"
    response = walk.send(method, target, example.body)
    assert response.status_code == 200, f"{example.key}: {method} {target} → {response.status_code} {response.text}"
    if example.published_status is not None:
        assert response.json()["status"] == example.published_status, example.key
