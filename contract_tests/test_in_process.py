"""The in-process client answers as schemathesis' own ASGI client does, on the calling thread, keeping nothing between
requests; the same-thread httpx transport answers as starlette's TestClient does; the per-(operation, phase)
configuration cache answers what schemathesis would resolve."""

from __future__ import annotations

import json
import threading
from typing import Any

import httpx
import pytest
import schemathesis
from schemathesis.core.result import Ok
from schemathesis.python.asgi import get_client
from starlette.testclient import TestClient  # the reference the transport is held to

from .exceptions import load_decisions
from .in_process import InProcessClient, SameThreadTransport
from .profiles import PROFILES
from .resolved_config import RESOLVED
from .schemas import build_schema, first_case, in_process_schema
from .targets import API_TARGETS, Target


async def _echo(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """An ASGI app that answers with what it was sent, the thread it ran on, and two cookies."""
    if scope["type"] == "lifespan":  # schemathesis' own client starts one
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    seen = {
        "thread": threading.get_ident(),
        "method": scope["method"],
        "path": scope["path"],
        "query": scope["query_string"].decode(),
        "headers": sorted([k.decode("latin-1"), v.decode("latin-1")] for k, v in scope["headers"]),
        "body": body.decode("latin-1"),
    }
    headers = [(b"content-type", b"application/json"), (b"set-cookie", b"a=1"), (b"set-cookie", b"b=2")]
    await send({"type": "http.response.start", "status": 418, "headers": headers})
    await send({"type": "http.response.body", "body": json.dumps(seen).encode()})


def _send(client: Any) -> tuple[Any, Any]:
    response = client.post(
        "http://testserver/api/x%20y?q=1&q=%C3%A4",
        data="ä-body".encode(),
        headers={"X-Name": "välue", "Content-Type": "text/plain"},
    )
    return response, response.json()


def test_it_answers_as_schemathesis_own_client_on_the_calling_thread() -> None:
    ours, seen = _send(InProcessClient(_echo))
    with get_client(_echo) as reference:
        theirs, seen_there = _send(reference)
    assert seen["thread"] == threading.get_ident() != seen_there["thread"]
    assert {k: v for k, v in seen.items() if k != "thread"} == {k: v for k, v in seen_there.items() if k != "thread"}
    assert seen["path"] == "/api/x y" and ["x-name", "välue"] in seen["headers"]
    assert (ours.status_code, ours.reason, ours.headers) == (theirs.status_code, theirs.reason, theirs.headers)
    assert ours.raw.headers.getlist("set-cookie") == theirs.raw.headers.getlist("set-cookie") == ["a=1", "b=2"]


def test_it_keeps_no_cookies_between_requests() -> None:
    client = InProcessClient(_echo)
    _send(client)
    _, seen = _send(client)
    assert not [name for name, _ in seen["headers"] if name == "cookie"]
    assert len(client.cookies) == 0


def _send_httpx(client: httpx.Client) -> tuple[httpx.Response, Any]:
    response = client.post(  # httpx takes a header's octets as bytes only
        "http://testserver/api/x%20y?q=1&q=%C3%A4",
        content="ä-body".encode(),
        headers={b"X-Name": "välue".encode(), b"Content-Type": b"text/plain"},
    )
    return response, response.json()


def test_the_httpx_transport_answers_as_starlettes_test_client_on_the_calling_thread() -> None:
    with httpx.Client(transport=SameThreadTransport(_echo), headers={"user-agent": "testclient"}) as client:
        ours, seen = _send_httpx(client)  # the user agent is the client's, not the transport's
    app: Any = _echo
    with TestClient(app) as reference:
        theirs, seen_there = _send_httpx(reference)
    assert seen["thread"] == threading.get_ident() != seen_there["thread"]
    assert {k: v for k, v in seen.items() if k != "thread"} == {k: v for k, v in seen_there.items() if k != "thread"}
    assert (ours.status_code, ours.headers.raw) == (theirs.status_code, theirs.headers.raw)  # the body is `seen`
    assert ours.headers.get_list("set-cookie") == ["a=1", "b=2"]


@pytest.fixture(scope="module")
def mash_schema() -> schemathesis.BaseSchema:
    return in_process_schema("mash", decisions=load_decisions())


def test_a_case_gets_the_same_response_through_it(mash_schema: schemathesis.BaseSchema) -> None:
    case = first_case(mash_schema["/orders/{orderId}"]["GET"])
    client = InProcessClient(mash_schema.app)
    ours, theirs = case.call(session=client), case.call()
    assert (ours.status_code, ours.headers, ours.content) == (theirs.status_code, theirs.headers, theirs.content)
    case.validate_response(ours)


def test_each_resolution_is_schemathesis_own_and_made_once(mash_schema: schemathesis.BaseSchema) -> None:
    spec = API_TARGETS["mash"]
    target = Target("mash", "in-process", spec.in_process_url, spec.username, spec.password)
    uncached = build_schema("mash", target, PROFILES["fast"], load_decisions()).config
    for result in mash_schema.get_all_operations():
        assert isinstance(result, Ok)
        operation = result.ok()
        for phase in (None, "examples", "coverage", "fuzzing", "stateful"):
            for name in RESOLVED:
                if name == "phases_for" and phase is not None:
                    continue
                kwargs: dict[str, Any] = {"operation": operation} | ({} if phase is None else {"phase": phase})
                cached = getattr(mash_schema.config, name)(**kwargs)
                resolved = getattr(type(uncached), name)(uncached, **kwargs)  # the class's own method: no cache
                assert cached == resolved, (name, operation.label, phase)
                assert getattr(mash_schema.config, name)(**kwargs) is cached
