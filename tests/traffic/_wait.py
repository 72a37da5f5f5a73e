"""The proxy answers first and records after: a test reads the cassette once the entries it expects are there."""

from __future__ import annotations

import io
import json
import time
from typing import Any

DEADLINE_S = 10.0


def entries(cassette: io.StringIO, count: int) -> list[dict[str, Any]]:
    """The cassette's entries once it holds `count` of them (polled with a deadline); fails after the deadline."""
    deadline = time.monotonic() + DEADLINE_S
    while True:
        lines = cassette.getvalue().splitlines()
        if len(lines) >= count or time.monotonic() > deadline:
            break
        time.sleep(0.01)  # polling a buffer another thread fills, with a deadline
    assert len(lines) == count, f"{len(lines)} cassette entries, expected {count}"
    return [json.loads(line) for line in lines]
