"""schemathesis' JSON objects drawn through one hypothesis strategy per picked key set, not a new one per value.

schemathesis 4.32.5 (pinned in pyproject.toml) draws every JSON object value, in its own generation and in the
client-decoding bodies, in `_named_object` / `_drawn_object` (schemathesis/generation/jsonschema/strategy.py): it
draws which optional keys to include, then builds `st.fixed_dictionaries(required + those keys)` anew for that one
value. hypothesis validates each fresh strategy and works out whether it can be empty (its `recursive_property`
walk) before drawing from it: profiled on the thorough server tests (py-spy, issue 21), 6% of all samples. There is
no public hook for how an object is drawn, so `install()` replaces those two module-level functions with the same
code drawing from a strategy kept per (object schema, picked keys): the same choices, in the same order, from an
identical `fixed_dictionaries`. Anything but 4.32.5 is refused, since the replaced code is copied from that release.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st
from schemathesis.generation.jsonschema import strategy as engine

from .mended_releases import require

__all__ = ["BUILT", "install"]

_KEPT_PER_OBJECT = 4096  # picked key sets kept per object schema; past it (2^12 sets) a value gets its own strategy
BUILT = [0]  # fixed_dictionaries built since start-up: a test reads it to see the kept ones are used

_Strategy = st.SearchStrategy[Any]


def _keyed(required: dict[str, _Strategy], optional: dict[str, _Strategy]) -> Callable[[Any], _Strategy]:
    """The fixed_dictionaries strategy for one object schema and a picked set of its optional keys, built once."""
    kept: dict[tuple[str, ...], _Strategy] = {}

    def strategy(chosen: Any) -> _Strategy:
        key = tuple(sorted(chosen))
        found = kept.get(key)
        if found is None:
            BUILT[0] += 1
            found = st.fixed_dictionaries({**required, **{name: optional[name] for name in key}})
            if len(kept) < _KEPT_PER_OBJECT:
                kept[key] = found
        return found

    return strategy


@st.composite
def _kept_named_object(draw: st.DrawFn, keyed: Callable[[Any], _Strategy], picker: _Strategy | None) -> Any:
    """schemathesis' `_named_object`: every required key, plus a size-biased pick of the optional ones."""
    chosen = draw(picker) if picker is not None else ()
    return draw(keyed(chosen))


def _named_object(
    required: dict[str, _Strategy], optional: dict[str, _Strategy], picker: _Strategy | None
) -> _Strategy:
    return _kept_named_object(_keyed(required, optional), picker)


@st.composite
def _kept_drawn_object(
    draw: st.DrawFn,
    keyed: Callable[[Any], _Strategy],
    picker: _Strategy | None,
    collect: Callable[[int, int], _Strategy] | None,
    bounds: tuple[int, int | None],
) -> Any:
    """schemathesis' `_drawn_object`: required keys, a pick of the optional ones, free keys up to the floor."""
    minimum, maximum = bounds
    chosen = draw(picker) if picker is not None else ()
    result = draw(keyed(chosen))
    if collect is None:
        return result
    extra_low = max(0, minimum - len(result))
    extra_keys: int = engine._EXTRA_KEYS
    extra_high = extra_low + extra_keys if maximum is None else min(extra_low + extra_keys, maximum - len(result))
    extra = draw(collect(extra_low, extra_high))
    return {**extra, **result}


def _drawn_object(  # noqa: PLR0917 (schemathesis calls it with these six positional arguments)
    required: dict[str, _Strategy],
    optional: dict[str, _Strategy],
    picker: _Strategy | None,
    collect: Callable[[int, int], _Strategy] | None,
    minimum: int,
    maximum: int | None,
) -> _Strategy:
    return _kept_drawn_object(_keyed(required, optional), picker, collect, (minimum, maximum))


def install() -> None:
    """Draw schemathesis' objects through kept strategies from now on (strategies it builds later)."""
    require("schemathesis", "object_strategies.py", "replaces code", "compare `_named_object` / `_drawn_object`")
    engine._named_object = _named_object
    engine._drawn_object = _drawn_object
