"""A spec document's operations are compiled once per process; every app gets its own list of the shared ones."""

from __future__ import annotations

import copy
import dataclasses

import pytest

from simulators._serving import compile_operations, validation
from simulators._serving.spec import load_spec


def test_the_same_document_is_compiled_once() -> None:
    spec = load_spec("mash")
    first, second = compile_operations(spec), compile_operations(spec)
    assert first is not second  # an app may change its own list
    assert all(a is b for a, b in zip(first, second, strict=True))


def test_another_document_is_compiled_anew() -> None:
    spec = load_spec("mash")
    copied = dataclasses.replace(spec, document=copy.deepcopy(spec.document))
    ours, theirs = compile_operations(spec), compile_operations(copied)
    assert [op.operation_id for op in ours] == [op.operation_id for op in theirs]
    assert not any(a is b for a, b in zip(ours, theirs, strict=True))


def test_a_document_is_not_taken_for_another_that_had_its_id(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = load_spec("mash")
    document = copy.deepcopy(spec.document)
    # As if a collected document had had this id: its entry is still there, with its operations.
    monkeypatch.setitem(validation._COMPILED, id(document), ({"paths": {}}, ()))
    assert len(compile_operations(dataclasses.replace(spec, document=document))) == len(compile_operations(spec)) > 0
