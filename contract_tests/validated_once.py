"""hypothesis validates a filtered strategy once, as it means to, instead of before every draw from it.

`SearchStrategy.validate` (hypothesis 6.170.17, pinned in pyproject.toml, its latest release) marks a strategy
validated and then runs `do_validate`; `FilteredStrategy.do_validate` re-runs its own `__init__` to fold the
filters into the strategy, which resets that mark. So a filter whose predicate is not rewritten into bounds (the
filters schemathesis puts on property names and unique lists) is validated again on every draw, each time parsing
its predicate's source (`inspect.getsource`, `ast.parse`) to look for bounds. Counted in the fast client-decoding
tests: 17,024 validations, 8,357 of them the same filtered strategies again (one of them 158 times). `install()`
keeps the mark across that `__init__`; validation itself is unchanged. Anything but 6.170.17 is refused, since the
mended method is read from that release.
"""

from __future__ import annotations

from typing import Any

from hypothesis.strategies._internal.strategies import FilteredStrategy

from .mended_releases import require

__all__ = ["install"]

_UPSTREAM = FilteredStrategy.do_validate


def _do_validate_keeping_the_mark(self: FilteredStrategy[Any]) -> None:
    validated = self.validate_called  # already marked for this thread by SearchStrategy.validate
    _UPSTREAM(self)
    self.validate_called = validated


def install() -> None:
    """From now on, a filtered strategy is validated once per thread."""
    require(
        "hypothesis",
        "validated_once.py",
        "mends FilteredStrategy.do_validate",
        "check whether validate_called still resets there",
    )
    FilteredStrategy.do_validate = _do_validate_keeping_the_mark  # type: ignore[method-assign]
