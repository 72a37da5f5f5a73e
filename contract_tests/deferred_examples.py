"""schemathesis builds an operation test's examples-phase and coverage-phase cases when the test runs, not at
collection.

schemathesis 4.32.5 (pinned in pyproject.toml) makes every case of those two phases while pytest collects the
test (`create_test` calls `add_examples` and `add_coverage`, which attach each case with `hypothesis.example`).
Every xdist worker and every shard collects the whole suite, so each built every operation's cases, half of them
(or N-1 of N shards) for operations another process runs: about 3 CPU-s in each fast-profile worker, before its
first test (py-spy, issue 21). `install()` has both calls leave the test a list of explicit examples that runs
them, in the same order and with the same arguments, the first time hypothesis reads it. The cases, their order
and the marks schemathesis sets on the test (read after the test ran) are schemathesis' own; what changes is that
a definition too broken to build cases for fails its test instead of its collection. Anything but 4.32.5 is
refused, since the two replaced functions are that release's.

One thing coverage cases share across operations: a path's unexpected-method probes (PUT, TRACE... on a path that
does not declare them) are sent once, by whichever of its operations was built first (the schema's
`coverage_unexpected_methods_seen`). Built in run order, that would be a different operation in each shard or
worker (a 2-shard run sent 6 more cases than one run). So collection still claims each path's probes for its first
operation, as eager building did, and an operation's build sees only its own claims as unsent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any

from schemathesis.generation.hypothesis import builder

from .mended_releases import require

__all__ = ["BuiltOnFirstUse", "install"]

_ATTRIBUTE = "hypothesis_explicit_examples"  # where hypothesis.example keeps a test's explicit examples


class BuiltOnFirstUse(list[Any]):
    """A test's explicit examples that are made, by the steps recorded at collection, when first read."""

    def __init__(self) -> None:
        super().__init__()
        self.steps: list[Callable[[], object]] = []

    def build(self) -> None:
        steps, self.steps = self.steps, []
        for step in steps:
            step()  # hypothesis.example appends each case to this list, as it did at collection

    def __reversed__(self) -> Iterator[Any]:  # how hypothesis reads them: the last attached runs first
        self.build()
        return super().__reversed__()

    def __iter__(self) -> Iterator[Any]:
        self.build()
        return super().__iter__()

    def __len__(self) -> int:
        self.build()
        return super().__len__()


def _claim_method_probes(operation: Any) -> set[tuple[str, str]]:
    """The (path, method) probes this operation sends, claimed in collection order: every unexpected method of its
    path that no operation built before it claimed (a superset of what schemathesis sends: it skips declared ones)."""
    seen: set[tuple[str, str]] = operation.schema.coverage_unexpected_methods_seen
    methods = operation.schema.config.phases_for(operation=operation).coverage.unexpected_methods
    claimed = {(operation.path, method) for method in methods} - seen
    seen |= claimed
    return claimed


def _built_with_own_claims(build: Callable[[], object], operation: Any, claimed: set[tuple[str, str]]) -> object:
    operation.schema.coverage_unexpected_methods_seen -= claimed  # unsent: schemathesis sends and marks them again
    try:
        return build()
    finally:
        operation.schema.coverage_unexpected_methods_seen |= claimed


def _later(upstream: Callable[..., Callable[..., Any]]) -> Callable[..., Callable[..., Any]]:
    @wraps(upstream)  # __wrapped__ is schemathesis' own function
    def add_when_first_read(test: Callable[..., Any], *args: Any, **kwargs: Any) -> Callable[..., Any]:
        examples = getattr(test, _ATTRIBUTE, None)
        if not isinstance(examples, BuiltOnFirstUse):
            pending = BuiltOnFirstUse()
            pending.extend(examples or ())  # list.extend: attached already, nothing to build
            setattr(test, _ATTRIBUTE, pending)
            examples = pending
        operation = args[0]  # add_examples(test, operation, ...), add_coverage(test, operation, ...)
        claimed = _claim_method_probes(operation) if upstream.__name__ == "add_coverage" else set()
        examples.steps.append(
            lambda: _built_with_own_claims(lambda: upstream(test, *args, **kwargs), operation, claimed)
        )
        return test

    add_when_first_read.deferred = True  # type: ignore[attr-defined]
    return add_when_first_read


def install() -> None:
    """From now on, operation tests make their examples and coverage cases when they run."""
    require(
        "schemathesis",
        "deferred_examples.py",
        "defers add_examples/add_coverage",
        "compare generation/hypothesis/builder.py",
    )
    for name in ("add_examples", "add_coverage"):
        upstream = getattr(builder, name)
        if not getattr(upstream, "deferred", False):
            setattr(builder, name, _later(upstream))
