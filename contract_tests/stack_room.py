"""Each contract test is called from a frame that leaves its own frames room on CPython's data stack.

CPython 3.11 keeps the frames of a thread on "data stack" chunks of 16 KB: a call that does not fit in the current
chunk maps a new one (mmap), and the return of the first frame in a chunk unmaps it (Python/pystate.c, `push_chunk`
and `_PyThreadState_PopFrame`). A test whose call depth goes back and forth across the end of a chunk maps and
unmaps one on every crossing; schemathesis' and hypothesis' case drawing does, all the time: the Mash operation
tests' 1,554 fast cases made 67,600 mmap/munmap pairs of 16 KB (strace), and the fast run spent 7.4-7.9 of its
75-84 CPU-seconds in the kernel (issue 21). CPython keeps one freed chunk since gh-142183 (3.13 and 3.14, March
2026); 3.11, which this project runs on, gets security fixes only.

`push_chunk` sizes a new chunk for the frame that needs it: 16 KB doubled until the frame fits with 1,000 slots to
spare. So the test is called from one frame that declares an evaluation stack of `ROOM` slots (`co_stacksize`,
reserved but never written): its chunk is 512 KB, and the 25,000 slots left above that frame hold the test's own
frames (a few hundred calls deep) without another chunk. One mapping per test instead of one per crossing; on a
CPython that keeps its chunks, one larger chunk per test and nothing else. Measured side by side (fast profile,
whole suite, `-n auto`, 3 alternated pairs): system time 6.8-8.8 -> 2.0-2.4 CPU-seconds, wall 37-46 -> 34-39 s.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest

__all__ = ["ROOM", "StackRoom", "install", "with_room"]

_NAME = "contract-stack-room"
ROOM = 40_000  # slots (8 bytes each) the calling frame reserves: 320 KB, so its chunk is 512 KB


def with_room(function: Callable[..., Any], /, **kwargs: Any) -> Any:
    """`function(**kwargs)`, called from a frame whose data-stack chunk has room for the call's own frames."""
    return function(**kwargs)


with_room.__code__ = with_room.__code__.replace(co_stacksize=ROOM)


class StackRoom:
    """pytest plugin: pytest's own `pytest_pyfunc_call` calls each synchronous test function, from `with_room`.

    pytest's implementation is called directly, not the rest of the hook: that would run the hook's wrappers a
    second time, and schemathesis' wrapper answers None, which made pluggy go on to pytest's implementation and run
    every schemathesis test twice (found while measuring this)."""

    def __init__(self, default: Callable[..., object]) -> None:
        self._default = default

    @pytest.hookimpl(tryfirst=True)
    def pytest_pyfunc_call(self, pyfuncitem: pytest.Function) -> object | None:
        if inspect.iscoroutinefunction(pyfuncitem.obj) or inspect.isasyncgenfunction(pyfuncitem.obj):
            return None  # a plugin's to run (anyio's), or pytest's to refuse
        answer: object = with_room(self._default, pyfuncitem=pyfuncitem)
        return answer


def install(plugins: pytest.PytestPluginManager) -> None:
    """Call test functions through `with_room` from now on (pytest's builtin plugin "python" owns the call)."""
    if plugins.get_plugin(_NAME) is None:
        builtin = plugins.get_plugin("python")
        if builtin is None:
            raise RuntimeError("pytest's builtin plugin 'python' is not registered: contract_tests/stack_room.py")
        plugins.register(StackRoom(builtin.pytest_pyfunc_call), _NAME)


def pytest_configure(config: pytest.Config) -> None:
    """As a plugin of its own (`-p contract_tests.stack_room`): what the contract suite's conftest does."""
    install(config.pluginmanager)
