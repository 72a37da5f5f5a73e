"""Operation tests make their examples and coverage cases when they run (deferred_examples.py): none at collection,
the same cases in the same order once read, and a path's method probes with its first collected operation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from schemathesis.generation.feedback import FeedbackSources
from schemathesis.generation.hypothesis import builder
from schemathesis.pytest._test_builder import build_operation_test

from . import deferred_examples
from .schemas import in_process_schema


def _schema(api: str = "mycashflow") -> schemathesis.BaseSchema:
    return in_process_schema(api)


def _collected(schema: schemathesis.BaseSchema, path: str, method: str) -> Callable[..., Any]:
    """The operation's test as schemathesis' pytest plugin builds it at collection."""

    def test(case: Any) -> None:
        pass

    operation = schema[path][method]
    return build_operation_test(
        config=schema.config, operation=operation, test_func=test, given_kwargs={}, feedback=FeedbackSources()
    )


def _descriptions(test: Callable[..., Any]) -> list[str]:
    """What each explicit example is, in the order hypothesis runs them."""
    examples: list[Any] = getattr(test, "hypothesis_explicit_examples")  # noqa: B009 (set by hypothesis.example)
    cases = [example.kwargs["case"] for example in reversed(examples)]
    return [f"{case.meta.phase.name.value}: {case.meta.phase.data.description}" for case in cases]


def test_collection_builds_no_case() -> None:
    test = _collected(_schema(), "/products", "POST")
    examples = test.hypothesis_explicit_examples  # type: ignore[attr-defined]
    assert isinstance(examples, deferred_examples.BuiltOnFirstUse)
    assert list.__len__(examples) == 0 and len(examples.steps) == 2  # the examples phase, then coverage
    assert len(examples) > 50 and examples.steps == []  # read: built, once


def test_the_cases_are_the_ones_eager_building_made(monkeypatch: pytest.MonkeyPatch) -> None:
    deferred = _descriptions(_collected(_schema(), "/products", "POST"))
    for name in ("add_examples", "add_coverage"):
        monkeypatch.setattr(builder, name, getattr(builder, name).__wrapped__)
    eager = _descriptions(_collected(_schema(), "/products", "POST"))
    assert deferred == eager and any(d.startswith("examples") for d in eager) and len(eager) > 50


def test_a_paths_method_probes_stay_with_its_first_collected_operation() -> None:
    schema = _schema()
    listing = _collected(schema, "/brands", "GET")  # collected first: the probes of /brands are its
    creating = _collected(schema, "/brands", "POST")
    probes = [d for d in _descriptions(creating) if "Unspecified HTTP method" in d]  # built first: none
    assert probes == []
    probes = [d for d in _descriptions(listing) if "Unspecified HTTP method" in d]
    assert sorted(probes) == [
        f"coverage: Unspecified HTTP method: {m}" for m in ("DELETE", "OPTIONS", "PATCH", "PUT", "QUERY", "TRACE")
    ]


def test_another_schemathesis_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schemathesis, "__version__", "4.99.0")
    with pytest.raises(RuntimeError, match=r"4\.32\.5"):
        deferred_examples.install()
