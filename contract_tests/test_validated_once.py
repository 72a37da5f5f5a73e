"""The mended FilteredStrategy.do_validate (validated_once.py): validated once, drawing what it drew before."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.strategies._internal.strategies import FilteredStrategy

from . import validated_once


def _not_three(pair: tuple[int]) -> bool:
    return pair[0] != 3


def _filtered() -> FilteredStrategy[tuple[int]]:
    # As hypothesis' unique lists build theirs; a predicate it cannot rewrite into bounds keeps it a filter.
    return FilteredStrategy(st.tuples(st.integers(0, 9)), conditions=(_not_three,))


def test_a_filtered_strategy_stays_validated() -> None:
    strategy = _filtered()
    strategy.validate()
    assert strategy.validate_called.get(threading.get_ident()) is True


def test_it_draws_the_same_values_as_before_the_mend() -> None:
    def drawn() -> list[Any]:
        values: list[Any] = []

        @settings(derandomize=True, database=None, max_examples=30)
        @given(_filtered())
        def record(value: tuple[int]) -> None:
            values.append(value)

        record()
        return values

    mended = drawn()
    try:
        FilteredStrategy.do_validate = validated_once._UPSTREAM  # type: ignore[method-assign]
        upstream = drawn()
    finally:
        validated_once.install()
    assert mended == upstream and (3,) not in mended


def test_another_hypothesis_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("hypothesis.__version__", "6.999.0")
    with pytest.raises(RuntimeError, match=r"6\.170\.17"):
        validated_once.install()
