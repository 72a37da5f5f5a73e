"""Review guidance: how changes are grouped and turned into acknowledgement entries."""

from __future__ import annotations

from specforge.review.breaking import Change
from specforge.review.guidance import acknowledgement_yaml, group_changes


def test_operation_level_changes_are_not_grouped_into_a_wildcard() -> None:
    changes = [
        Change("api-path-removed-without-deprecation", "GET /a", "operation removed"),
        Change("api-path-removed-without-deprecation", "GET /b", "operation removed"),
    ]
    groups = group_changes(changes, {})
    assert [group.location for group in groups] == ["GET /a", "GET /b"]
    assert "location: '*'" not in acknowledgement_yaml("demo", groups)


def test_one_property_across_operations_is_one_group_with_a_pattern_location() -> None:
    changes = [
        Change("response-optional-property-removed", "GET /a response[200][application/json] x", "property x: removed"),
        Change("response-optional-property-removed", "GET /b response[200][application/json] x", "property x: removed"),
    ]
    (group,) = group_changes(changes, {})
    assert group.operations == ("GET /a", "GET /b")
    assert group.location == "* response[200][application/json] x"
