"""trafficcheck.json_bytes decodes exactly what json.loads decodes, to the same values, and refuses the same."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trafficcheck import json_bytes

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(JSON_VALUES)
def test_any_json_document_decodes_as_json_loads_decodes_it(value: object) -> None:
    body = json.dumps(value).encode()
    assert json_bytes.loads(body) == json.loads(body)


@pytest.mark.parametrize(
    "body",
    [
        b'{"orderId": 123456789012345678901234567890}',  # beyond 64 bits: orjson would make it a float
        b"[-9223372036854775809, 18446744073709551616]",  # just beyond 64 bits, either sign
        b"[1e400]",  # beyond a double: json.loads gives inf
        '{"name": "Äiti"}'.encode("utf-16"),  # json.loads detects UTF-16
        b'{"a": 1, "a": 2}',  # the last of a repeated key wins
    ],
)
def test_what_orjson_refuses_falls_back_to_json_loads(body: bytes) -> None:
    assert json_bytes.loads(body) == json.loads(body)


def test_nesting_beyond_what_json_loads_decodes_raises_as_it_does() -> None:
    body = b"[" * 100_000 + b"]" * 100_000
    with pytest.raises(RecursionError):
        json.loads(body)
    with pytest.raises(RecursionError):
        json_bytes.loads(body)


def test_nan_is_decoded_as_json_loads_decodes_it() -> None:
    assert math.isnan(json_bytes.loads(b"[NaN]")[0])


@pytest.mark.parametrize("body", [b"", b"not json", b'{"a": }', b"\xff\xfe\x00"])
def test_what_is_not_json_raises_a_value_error(body: bytes) -> None:
    with pytest.raises(ValueError):
        json_bytes.loads(body)
