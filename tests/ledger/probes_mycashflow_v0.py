"""Quirk probes for the MyCashflow v0 order reconstruction: each returns True while its quirk is in a spec."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from specforge.ledger import ProbeRegistry
from specforge.openapi import iter_operations

PROBES = ProbeRegistry("mycashflow_v0")


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


@PROBES.quirk("MCF0-Q01")
def shipment_list_holds_one_shipment(spec: Mapping[str, Any]) -> bool:
    """`GET /orders/{orderID}/shipments` types `data` as one Shipment, not a list."""
    operation = _mapping(_mapping(_mapping(spec.get("paths")).get("/orders/{orderID}/shipments")).get("get"))
    content = _mapping(_mapping(_mapping(operation.get("responses")).get("200")).get("content"))
    data = _mapping(_mapping(_mapping(content.get("application/json")).get("schema")).get("properties")).get("data")
    return _mapping(data).get("type") != "array"


@PROBES.quirk("MCF0-Q02")
def actions_document_no_conflict(spec: Mapping[str, Any]) -> bool:
    """No operation documents an error response; the order actions lack 409 Conflict."""
    for operation in iter_operations(spec):
        responses = _mapping(operation.node.get("responses"))
        if "422" not in responses or (operation.method == "post" and "409" not in responses):
            return True
    return False


@PROBES.quirk("MCF0-Q10")
def activation_errors_have_no_response(spec: Mapping[str, Any]) -> bool:
    """Payment activation errors exist (T2's ignore option) but activate and quick-process document no answer."""
    paths = _mapping(spec.get("paths"))
    for path in ("/orders/{orderID}/payments/{paymentID}/activate", "/orders/{orderID}/quick-process"):
        responses = _mapping(_mapping(_mapping(paths.get(path)).get("post")).get("responses"))
        if "500" not in responses:
            return True
    return False
