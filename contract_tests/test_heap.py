"""The contract run tunes its garbage collector (heap.py says why) before start-up and freezes the built suite."""

from __future__ import annotations

import gc

from .heap import YOUNG_THRESHOLD


def test_young_objects_are_collected_less_often_and_the_collected_suite_is_frozen() -> None:
    assert gc.get_threshold()[0] == YOUNG_THRESHOLD
    assert gc.get_freeze_count() > 10_000, "what collection built is in the permanent generation"
