"""The router matches the spec's templates exactly and tells an unknown path from a wrong method."""

from __future__ import annotations

from simulators._serving import compile_operations
from simulators._serving.routing import Router
from specforge.patched import load_patched as load_spec

ROUTER = Router(compile_operations(load_spec("mash")))


def test_templated_and_static_paths() -> None:
    op, params = ROUTER.match("GET", "/orders/123") or (None, {})
    assert op is not None and (op.operation_id, params) == ("getOrder", {"orderId": "123"})
    op, params = ROUTER.match("GET", "/merchants/7/report") or (None, {})
    assert op is not None and (op.operation_id, params) == ("getPayoutReport", {"merchantId": "7"})
    op, _ = ROUTER.match("POST", "/orders") or (None, {})
    assert op is not None and op.operation_id == "createOrder"


def test_unknown_paths_and_wrong_methods() -> None:
    assert ROUTER.match("GET", "/orders/1/2") is None
    assert ROUTER.match("GET", "/orders/") is None
    assert ROUTER.match("DELETE", "/orders/1") == (None, {"orderId": "1"})


def test_a_known_path_lists_its_methods_for_the_allow_header() -> None:
    assert ROUTER.allowed("/orders/1") == ["GET"]
    assert ROUTER.allowed("/orders") == ["POST"]
    assert ROUTER.allowed("/orders/1/2") == []
