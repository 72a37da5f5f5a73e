"""Validation: OpenAPI structure, `$ref`s that point nowhere, and every example against its schema."""

from __future__ import annotations

import copy
from typing import Any

from specforge import _yaml
from specforge.validate import example_findings, iter_examples, openapi_findings, ref_findings

from ._demo import DEMO_SPEC


def _demo() -> dict[str, Any]:
    document: dict[str, Any] = _yaml.loads(DEMO_SPEC, "demo")
    return document


def test_the_demo_spec_is_valid_and_its_example_matches() -> None:
    assert openapi_findings(_demo()) == []
    assert example_findings(_demo()) == []
    pointers = [example.pointer for example in iter_examples(_demo())]
    assert pointers == ["/paths/~1things~1{id}/get/responses/200/content/application~1json/examples/one/value"]


def test_an_unsupported_version_is_one_finding() -> None:
    document = {**_demo(), "openapi": "2.0"}
    assert [str(finding) for finding in openapi_findings(document)] == [
        "/openapi: unsupported OpenAPI version '2.0' (3.0.x or 3.1.x expected)"
    ]


def test_a_broken_and_an_external_ref_are_named_and_stop_structural_validation() -> None:
    document = copy.deepcopy(_demo())
    media = document["paths"]["/things/{id}"]["get"]["responses"]["200"]["content"]["application/json"]
    media["schema"] = {"$ref": "#/components/schemas/Nothing"}
    document["components"]["schemas"]["Other"] = {"$ref": "other.yaml#/Thing"}
    found = [str(finding) for finding in ref_findings(document)]
    assert len(found) == 2
    assert any("Nothing" in text for text in found) and any("other.yaml" in text for text in found)
    assert [str(finding) for finding in openapi_findings(document)] == found


def test_an_example_that_contradicts_its_schema_is_named_by_pointer() -> None:
    document = _demo()
    media = document["paths"]["/things/{id}"]["get"]["responses"]["200"]["content"]["application/json"]
    media["examples"]["one"]["value"]["status"] = "Lost"
    (finding,) = example_findings(document)
    assert finding.pointer.endswith("/examples/one/value/status") or "/examples/one/value" in finding.pointer
    assert "Lost" in finding.message
