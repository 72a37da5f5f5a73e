"""Request shapes the Mash document publishes that the patched spec, written for clients, does not allow.

The simulator reads them the way a tolerant client reads the vendor's examples (issue 15: every request
example of the document is accepted as published), before the request is validated against the patched spec:

- Create order Example 1 sends `orderItems` as one object ("OrderItem nullable" in its Request body table,
  MASH-Q09); it is read as a one-item list, like every other `orderItems` of the API.
- Create order Example 1 sends `installmentCount: 1` with `paymentType: Invoice` (MASH-Q15: the spec allows
  3/6/12/24 for payment plans only). An invoice is paid in one installment, so 1 on a non-plan order is read
  as "no installment count"; any other count there is still 20011.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._serving import BodyNormalizer, Operation, lone_objects_as_lists

__all__ = ["published_shapes"]


def published_shapes(document: Mapping[str, Any]) -> BodyNormalizer:
    """The body normalizer of the Mash simulator, built once from the patched spec."""
    as_lists = lone_objects_as_lists(document)

    def normalize(operation: Operation, body: Any) -> Any:
        body = as_lists(operation, body)
        if (
            operation.operation_id == "createOrder"
            and isinstance(body, dict)
            and body.get("installmentCount") == 1
            and body.get("paymentType") != "PaymentPlan"
        ):
            body = {key: value for key, value in body.items() if key != "installmentCount"}
        return body

    return normalize
