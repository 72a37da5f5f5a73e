"""A case goes out without the header fields that frame the HTTP message, whatever their case; the rest is kept."""

from __future__ import annotations

from schemathesis.hooks import GLOBAL_HOOK_DISPATCHER, HookContext

from .framing_headers import before_call
from .in_process import InProcessClient
from .schemas import first_case, in_process_schema


def test_framing_fields_are_dropped_and_the_rest_kept() -> None:
    case = first_case(in_process_schema("mash")["/orders/{orderId}"]["GET"])
    for name, value in (("Transfer-Encoding", "X(V}9"), ("content-length", "7"), ("X-Kept", "yes")):
        case.headers[name] = value
    before_call(HookContext(operation=case.operation), case, {})
    assert "X-Kept" in case.headers
    assert not {"transfer-encoding", "content-length"} & {name.lower() for name in case.headers}


def test_the_hook_runs_on_every_call() -> None:
    assert before_call in GLOBAL_HOOK_DISPATCHER.get_all_by_name("before_call")
    schema = in_process_schema("mash")
    case = first_case(schema["/orders/{orderId}"]["GET"])
    case.headers["Transfer-Encoding"] = "X(V}9"
    case.call(session=InProcessClient(schema.app))
    assert "Transfer-Encoding" not in case.headers
