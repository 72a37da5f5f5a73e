"""No input makes the simulator answer 500: arbitrary bodies, query strings, headers and paths."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from starlette.testclient import TestClient

from simulators._serving import compile_operations
from simulators.mycashflow import create_app
from specforge.patched import load_patched as load_spec

from .conftest import AUTH, BASE, examples

OPERATIONS = compile_operations(load_spec("mycashflow"))
# One store for all examples: state carried between examples is more input, not less.
CLIENT = TestClient(create_app(seed=3, products=30), base_url=BASE, raise_server_exceptions=True)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=12,
)
FIELDS = st.sampled_from(
    "name price product_id product_code translations language quantity products parent_id brand_id customer_id "
    "visibilities topic url expands content filename email code".split()
)
BODIES = JSON | st.dictionaries(FIELDS, JSON, max_size=6)
PARAMS = st.sampled_from(["page", "page_size", "sort", "expand", "id", "status", "stock_item_id", "created_at-from"])
QUERY = st.lists(st.tuples(PARAMS | st.text(max_size=8), st.text(max_size=24)), max_size=5)
# Printable characters only: httpx itself refuses control characters in a URL, so they never reach a server.
SEGMENT = st.sampled_from(["1", "2", "0", "-1", "P0001", "x", "%20", "9" * 30, "..", ""]) | st.text(
    st.characters(min_codepoint=33, max_codepoint=0x2FF, exclude_characters="/?#\x7f"), max_size=10
)


def _path(operation: Any, key: str) -> str:
    return "/api/v1" + re.sub(r"\{[^}]+\}", key, operation.path)


def _ok(status: int) -> bool:
    return status < 500


@examples(share=2)
@given(operation=st.sampled_from(OPERATIONS), key=SEGMENT, body=BODIES)
def test_no_body_makes_a_500(operation: Any, key: str, body: Any) -> None:
    response = CLIENT.request(operation.method, _path(operation, key), json=body, auth=AUTH)
    assert _ok(response.status_code), response.text


@examples(share=2)
@given(operation=st.sampled_from(OPERATIONS), query=QUERY)
def test_no_query_string_makes_a_500(operation: Any, query: list[tuple[str, str]]) -> None:
    response = CLIENT.request(operation.method, _path(operation, "1"), params=query, auth=AUTH, json={"name": "x"})
    assert _ok(response.status_code), response.text


@examples(share=2)
@given(
    headers=st.dictionaries(
        st.sampled_from(["Accept", "Content-Type", "Authorization", "Host", "X-Forwarded-Proto", "X-Other"]),
        st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40),
        max_size=4,
    ),
    raw=st.binary(max_size=64),
)
def test_no_headers_or_raw_body_make_a_500(headers: dict[str, str], raw: bytes) -> None:
    response = CLIENT.request("POST", "/api/v1/products", content=raw, headers=headers, auth=AUTH)
    assert _ok(response.status_code), response.text


@examples(share=2)
@given(
    path=st.lists(SEGMENT, max_size=5).map("/".join), method=st.sampled_from(["GET", "POST", "PATCH", "DELETE", "PUT"])
)
def test_no_path_makes_a_500(path: str, method: str) -> None:
    response = CLIENT.request(method, "/api/v1/" + path, auth=AUTH)
    assert _ok(response.status_code), response.text
