"""JSON bodies decoded as `json.loads` decodes them, at orjson's speed where orjson agrees.

The recorder decodes every body twice (the check, then the cassette's redacted copy), and at a saturating
load its process was the costliest per exchange (benchmarks/proxy.py). orjson refuses some of what
`json.loads` accepts (NaN and Infinity, UTF-16 and UTF-32 bodies, nesting beyond 1024 levels): those fall
back to `json.loads`. And orjson decodes an integer beyond 64 bits as a float, where `json.loads` keeps it an
integer (a check would then see a number where the body holds an integer): a body with a run of 19 digits or
more goes to `json.loads` too. What counts as JSON, and what it decodes to, is unchanged.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

__all__ = ["loads"]

# Every digit as "0", every other byte as " ": a run of 19 digits is then one `find` (2**63 has 19 digits;
# anything shorter fits orjson's 64-bit integers). The regex \d{19} took twelve times as long on a 1 KB body.
_DIGITS_AS_ZERO = bytes(0x30 if 0x30 <= byte <= 0x39 else 0x20 for byte in range(256))
_LONG_RUN = b"0" * 19


def loads(body: bytes) -> Any:
    """The decoded body; ValueError (or RecursionError) where `json.loads` raises one."""
    if body.translate(_DIGITS_AS_ZERO).find(_LONG_RUN) >= 0:
        return json.loads(body)
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return json.loads(body)
