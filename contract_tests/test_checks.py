"""Our own schemathesis check: every Mash error code is a documented one, with its documented status."""

from __future__ import annotations

import datetime
from typing import Any

import httpx
import pytest
from schemathesis import Case, Response

from .schemas import documented_error_code, first_case, in_process_schema


def _case(api: str, path: str, method: str) -> Case[Any]:
    return first_case(in_process_schema(api)[path][method])


def _response(case: Case[Any], status: int, body: object) -> Response:
    response = httpx.Response(status, json=body, request=httpx.Request("GET", "http://mash.test/api/orders/1"))
    response.read()  # a fully read response, as after a real call
    response.elapsed = datetime.timedelta(milliseconds=1)
    return Response.from_any(response)


@pytest.fixture(scope="module")
def get_order() -> Case[Any]:
    return _case("mash", "/orders/{orderId}", "GET")


def test_a_documented_code_with_its_status_passes(get_order: Case[Any]) -> None:
    assert documented_error_code(None, _response(get_order, 400, {"errorCode": 20002}), get_order) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("status", "code", "problem"), [(400, 29999, "not in the documented"), (500, 20002, "HTTP 500")]
)
def test_an_undocumented_code_or_status_fails(get_order: Case[Any], status: int, code: int, problem: str) -> None:
    with pytest.raises(AssertionError, match=problem):
        documented_error_code(None, _response(get_order, status, {"errorCode": code}), get_order)  # type: ignore[arg-type]


def test_it_skips_what_it_cannot_judge(get_order: Case[Any]) -> None:
    assert documented_error_code(None, _response(get_order, 200, {"orderId": "1"}), get_order)  # type: ignore[arg-type]
    store = _case("mycashflow", "/products/{productID}", "GET")
    assert documented_error_code(None, _response(store, 422, {"errors": {}}), store)  # type: ignore[arg-type]
