"""The bench refuses to compare rates of a simulator that answered errors (an error is cheaper than a success)."""

from __future__ import annotations

import pytest

from benchmarks._servers import WrkResult
from benchmarks.serving import _all_answered_2xx


def _run(requests: int, non_2xx: int) -> WrkResult:
    return WrkResult(requests_per_s=requests / 2, requests=requests, p50_ms=1.0, p99_ms=2.0, non_2xx=non_2xx)


def test_runs_answered_2xx_pass() -> None:
    _all_answered_2xx([_run(1000, 0), _run(900, 0)], "the Mash simulator")


def test_one_error_in_any_run_stops_the_bench_and_says_how_many() -> None:
    with pytest.raises(RuntimeError, match=r"the Mash simulator: 3 of 1900 requests were not answered 2xx"):
        _all_answered_2xx([_run(1000, 0), _run(900, 3)], "the Mash simulator")
