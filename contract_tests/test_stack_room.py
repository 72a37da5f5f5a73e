"""A test called from `with_room` does not map a data-stack chunk per crossing, and runs once, from the room."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable
from pathlib import Path

from .stack_room import with_room

_ROOT = Path(__file__).resolve().parent.parent
_CROSSINGS = 2_000


def _dive(depth: int) -> int:
    return 0 if depth == 0 else _dive(depth - 1) + 1


def _oscillate() -> None:
    """300 calls deep and back, 2,000 times: about 3,600 slots, past the end of a thread's first 16 KB chunk."""
    for _ in range(_CROSSINGS):
        _dive(300)


def _page_faults_in_a_new_thread(work: Callable[[], object]) -> int:
    """Minor page faults of `work` on a thread of its own (a fresh data stack: the test itself runs in the room)."""
    faults: list[int] = []

    def run() -> None:
        before = resource.getrusage(resource.RUSAGE_THREAD).ru_minflt
        work()
        faults.append(resource.getrusage(resource.RUSAGE_THREAD).ru_minflt - before)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return faults[0]


def test_a_call_from_the_room_maps_no_chunk_per_crossing() -> None:
    bare = _page_faults_in_a_new_thread(_oscillate)
    # The churn stack_room.py works around: each crossing maps a fresh chunk, whose first page faults in. When this
    # fails, the CPython running the suite keeps its chunks (gh-142183) and stack_room.py can go.
    assert bare >= _CROSSINGS, f"{bare} page faults for {_CROSSINGS} crossings"
    roomy = _page_faults_in_a_new_thread(lambda: with_room(_oscillate))
    assert roomy < _CROSSINGS // 20, f"{roomy} page faults for {_CROSSINGS} crossings from the room"


def test_each_test_runs_once_and_from_the_room(tmp_path: Path) -> None:
    # A wrapper that answers None, as schemathesis' own does: calling the rest of the hook from the room would run
    # such a test twice.
    (tmp_path / "conftest.py").write_text(
        textwrap.dedent(
            """
            import pytest

            @pytest.hookimpl(wrapper=True)
            def pytest_pyfunc_call(pyfuncitem):
                yield
            """
        )
    )
    runs = tmp_path / "runs.txt"
    (tmp_path / "test_sample.py").write_text(
        textwrap.dedent(
            f"""
            import sys

            def test_sample():
                frame, names = sys._getframe(), []
                while frame is not None:
                    names.append(frame.f_code.co_name)
                    frame = frame.f_back
                with open({str(runs)!r}, "a") as out:
                    out.write(str("with_room" in names) + "\\n")
            """
        )
    )
    command = [sys.executable, "-m", "pytest", "-p", "contract_tests.stack_room", "-p", "no:cacheprovider", "-q"]
    # Only pytest and the plugin under test: the installed plugins (schemathesis, hypothesis, xdist...) took 1.4 of
    # the child's 1.6 s to import, and the sample needs none of them.
    alone = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    answer = subprocess.run(
        [*command, "--rootdir", str(tmp_path), str(tmp_path / "test_sample.py")],
        cwd=_ROOT,
        env=alone,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert answer.returncode == 0, answer.stdout + answer.stderr
    assert runs.read_text().split() == ["True"]
