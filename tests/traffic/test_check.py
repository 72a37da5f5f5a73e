"""The checker's fast path: a body the closed schema accepts is not walked, and a body with one undocumented
field, valid otherwise, still is (the fast path must never hide a finding)."""

from __future__ import annotations

import json

import pytest

from trafficcheck import TrafficChecker

from .deviant import INVOICE, documented_example


@pytest.fixture(scope="module")
def checker() -> TrafficChecker:
    return TrafficChecker.for_api("mash")


def check(checker: TrafficChecker, body: object) -> list[tuple[str, str, object]]:
    checked = checker.check(
        method="GET",
        path="/api/orders/1",
        query=[],
        request_body=b"",
        status=200,
        response_body=json.dumps(body).encode(),
        request_headers=[],
        response_headers=[("content-type", "application/json")],
    )
    return [(d.kind, d.pointer, d.value) for d in checked.deviations]


def test_the_documented_example_has_no_deviation(checker: TrafficChecker) -> None:
    assert check(checker, documented_example("/orders/{orderId}/charge", "post")) == []


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("top", ("undocumented-field", "/loyaltyTier", "loyaltyTier")),
        ("nested", ("undocumented-field", "/customer/loyaltyTier", "loyaltyTier")),
        ("array item", ("undocumented-field", "/invoices/0/loyaltyTier", "loyaltyTier")),
    ],
)
def test_one_undocumented_field_in_an_otherwise_valid_body_is_found(
    checker: TrafficChecker, where: str, expected: tuple[str, str, str]
) -> None:
    order = documented_example("/orders/{orderId}/charge", "post")
    order["invoices"] = [dict(INVOICE)]
    target = {"top": order, "nested": order["customer"], "array item": order["invoices"][0]}[where]
    target["loyaltyTier"] = "gold"
    assert check(checker, order) == [expected]
