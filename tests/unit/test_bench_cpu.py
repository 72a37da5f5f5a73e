"""The bench's per-process CPU reading, which the journal-cost rows divide requests by."""

from __future__ import annotations

import subprocess
import sys

from benchmarks._servers import cpu_seconds

# A child that renames itself (comm with a space and a parenthesis, the case a naive split gets wrong),
# burns CPU until told to stop, then waits to be read.
_BUSY = """
import sys, time
open('/proc/self/comm', 'w').write('sim (x) 1')
end = time.process_time() + float(sys.argv[1])
while time.process_time() < end:
    pass
print('done', flush=True)
sys.stdin.read()
"""


def _cpu_after_burning(seconds: float) -> float:
    child = subprocess.Popen(
        [sys.executable, "-c", _BUSY, str(seconds)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "done"
        return cpu_seconds(child.pid)
    finally:
        child.communicate("")


def test_cpu_seconds_counts_what_the_process_burned() -> None:
    used = _cpu_after_burning(0.3)
    assert 0.3 <= used < 0.3 + 2.0  # interpreter start-up is the only extra


def test_cpu_seconds_tells_a_busy_process_from_an_idle_one() -> None:
    assert _cpu_after_burning(0.4) > _cpu_after_burning(0.0) + 0.3
