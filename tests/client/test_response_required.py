"""Issue 20: fields the vendor always sends are typed as present; a response that lacks one anyway still
decodes, records the absence as a deviation, and reading the field raises one clear MissingFieldError."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from mash_client.api.orders_and_invoicing import get_order
from mash_client.models import OrderResult
from mash_client.types import Deviation, MissingFieldError, deviations_of

from mash_sdk import Mash
from sdk_runtime import DeviationError, RetryPolicy

BODY: dict[str, Any] = {
    "orderId": "1223435",
    "clientOrderId": "A-1",
    "orderPlaced": "2020-10-26T14:47:09Z",
    "status": "Approved",
    "statusCode": "2",
    "paymentType": "Invoice",
    "paymentPlanTypeId": None,
    "customer": {"personId": "010771-123K", "name": "Teppo Testaaja"},
    "deliveryAddress": {"address": "Testikatu 1", "zipCode": "00100", "city": "Helsinki", "country": "FI"},
    "invoicingAddress": {"address": "Testikatu 1", "zipCode": "00100", "city": "Helsinki", "country": "FI"},
    "orderItems": [],
    "totalItems": 0,
    "chargedTotal": 0,
    "invoices": [],
    "paymentPlans": [],
}


def _mash(body: object, **options: object) -> Mash:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=body))
    return Mash(username="u", password="p", transport=transport, retry=RetryPolicy.disabled(), **options)  # type: ignore[arg-type]


def test_a_complete_response_reads_without_deviation() -> None:
    order = get_order.sync("1223435", client=_mash(BODY, strict=True))
    assert order.order_id == "1223435" and order.client_order_id == "A-1"
    assert deviations_of(order) == ()


def test_a_missing_required_field_is_a_deviation_and_one_clear_error() -> None:
    body = {key: value for key, value in BODY.items() if key != "orderId"}
    order = get_order.sync("1223435", client=_mash(body))
    assert Deviation("/orderId", "required", "absent") in deviations_of(order)
    with pytest.raises(MissingFieldError) as error:
        _ = order.order_id
    message = str(error.value)
    assert "OrderResult.order_id" in message and "'orderId'" in message and "GET /api/orders/1223435 200" in message
    assert isinstance(error.value, AttributeError) and not hasattr(order, "order_id")
    assert order.client_order_id == "A-1", "the other fields read as usual"
    assert "order_id=MISSING" in repr(order)
    with pytest.raises(MissingFieldError):
        order.to_dict()  # sending stays strict: the documented shape needs the field
    same = OrderResult.from_dict(body)
    assert same == order and same != OrderResult.from_dict(BODY)


def test_a_strict_client_raises_on_a_missing_field() -> None:
    body = {key: value for key, value in BODY.items() if key != "status"}
    with pytest.raises(DeviationError, match="/status: documented required, received absent"):
        get_order.sync("1223435", client=_mash(body, strict=True))


def test_an_unknown_attribute_is_still_a_plain_attribute_error() -> None:
    order = OrderResult.from_dict(BODY)
    with pytest.raises(AttributeError) as error:
        _ = order.no_such_field  # type: ignore[attr-defined]
    assert not isinstance(error.value, MissingFieldError)


def test_the_user_script_has_no_unset_check() -> None:
    source = (Path(__file__).parents[1] / "sdk" / "user_script.py").read_text(encoding="utf-8")
    assert "isinstance" not in source and "import Unset" not in source and "UNSET" not in source
