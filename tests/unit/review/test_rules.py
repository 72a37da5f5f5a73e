"""Every lint rule trips on one spec of the corpus and stays silent on its clean twin."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from specforge import _yaml
from specforge.apis import load_apis
from specforge.document import load_json_document, to_json_data
from specforge.review.rules import RULES, LintInput, Source, lint, rule

from .._demo import REPO

CORPUS = sorted((Path(__file__).parent / "corpus" / "lint").glob("*.yaml"))


def _input(text: str) -> LintInput:
    document = to_json_data(_yaml.loads(text, "spec.yaml"), "spec.yaml")
    return LintInput(document, (Source("spec.yaml", text),))


@pytest.mark.parametrize("case", CORPUS, ids=lambda path: path.stem)
def test_rule_trips_on_its_spec(case: Path) -> None:
    data = _yaml.load(case)
    found = [f for f in lint(_input(data["trips"])) if f.rule == data["rule"]]
    assert sorted(f.location for f in found) == sorted(data["expect"])
    assert all(f.severity == RULES[data["rule"]].severity for f in found)


@pytest.mark.parametrize("case", CORPUS, ids=lambda path: path.stem)
def test_clean_twin_has_no_finding_at_all(case: Path) -> None:
    assert lint(_input(_yaml.load(case)["clean"])) == []


def test_every_rule_has_a_corpus_case() -> None:
    assert {case.stem for case in CORPUS} == set(RULES)
    assert {"query-array-form-no-explode", "yaml-ambiguous-scalar", "operation-operationId-unique"} <= set(RULES)


def test_every_rule_has_severity_and_one_line_rationale() -> None:
    for registered in RULES.values():
        assert registered.severity in {"error", "warning"}
        assert registered.rationale and "\n" not in registered.rationale


def test_a_rule_id_cannot_be_registered_twice() -> None:
    with pytest.raises(ValueError, match="registered twice"):

        @rule("operation-summary", "warning")
        def again(target: LintInput) -> Iterator[tuple[str, str]]:
            """A duplicate."""
            yield from ()


def test_ambiguous_scalar_in_an_overlay_names_file_line_and_column() -> None:
    overlay = "actions:\n  - target: $.x\n    update:\n      enum: [yes, 'no', on]\n      example: 12:30\n"
    findings = lint(LintInput({"openapi": "3.1.0"}, (Source("overlays/x/10.yaml", overlay),)))
    assert [(f.line, f.message.split(" is ")[0]) for f in findings] == [
        ("overlays/x/10.yaml:4:14", "unquoted 'yes'"),
        ("overlays/x/10.yaml:4:25", "unquoted 'on'"),
        ("overlays/x/10.yaml:5:16", "unquoted '12:30'"),
    ]


def test_numbers_in_numeric_enums_are_not_ambiguous() -> None:
    text = (
        "components:\n  schemas:\n"
        "    A: {type: number, enum: [1.0, 2.5], example: 1.0}\n    B: {type: integer, enum: [1, 2]}\n"
    )
    assert lint(LintInput({}, (Source("s.yaml", text),))) == []


@pytest.mark.parametrize("name", sorted(load_apis(REPO)))
def test_our_patched_specs_pass_every_error_rule(name: str) -> None:
    api = load_apis(REPO)[name]
    sources = tuple(Source(api.rel(p), p.read_text()) for p in (api.spec_path, *api.overlay_files()))
    findings = lint(LintInput(load_json_document(api.patched_spec_path), sources))
    assert [f for f in findings if f.severity == "error"] == []
