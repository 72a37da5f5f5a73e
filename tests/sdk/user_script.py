"""A user's script against both APIs: create, read and page through them without a single `Unset` check.

`nox -s lint` type-checks it with `mypy --strict` (tests/ is in mypy's files); tests/sdk/test_user_script.py
runs it against both simulators in-process. The fields it reads without a check are those the overlays
`overlays/<api>/20-response-required.yaml` mark as always sent.
"""

from __future__ import annotations

import datetime

from mash_client.api.orders_and_invoicing import create_order, get_order, get_pricing
from mash_client.models import CreateOrderRequest, OrderStatus
from mycashflow_client.api.brands import create_brand, get_brand
from mycashflow_client.api.products import list_products
from mycashflow_client.models import BrandInput

from mash_sdk import Mash
from mycashflow_sdk import MyCashflow, pages, paginate

ITEM = {
    "articleId": "A-1",
    "description": "Tuote",
    "pricePerUnit": 10.0,
    "numberOfUnits": 1,
    "vatPercent": 24,
    "type": 1,
}


def mash_order(mash: Mash, merchant_id: int) -> tuple[str, OrderStatus, int]:
    """Create an invoice order, read it back, and look at the merchant's payment plans."""
    request = CreateOrderRequest.from_dict(
        {
            "merchantId": merchant_id,
            "clientOrderId": "USER-1",
            "paymentType": "Invoice",
            "customer": {"personId": "010771-123K", "name": "Teppo Testaaja", "email": "teppo@example.com"},
            "totalItems": 1,
            "orderItems": [ITEM],
        }
    )
    created = create_order.sync(client=mash, body=request)
    order = get_order.sync(created.order_id, client=mash)
    client_order_id: str = order.client_order_id
    status: OrderStatus = order.status
    plans = get_pricing.sync(client=mash, merchant_id=merchant_id).payment_plans
    longest = max((plan.installment_count for plan in plans), default=0)
    return client_order_id, status, longest


def mycashflow_catalog(store: MyCashflow) -> tuple[int, datetime.datetime, list[int], int]:
    """Create a brand, read it back, and page through the products."""
    brand = create_brand.sync(client=store, body=BrandInput(name="Acme")).data
    again = get_brand.sync(brand.id, client=store).data
    created: datetime.datetime = again.created_at
    ids = [product.id for product in paginate(list_products.sync, client=store, page_size=2)]
    counted = sum(len(page.data) for page in pages(list_products.sync, client=store, page_size=2))
    first = list_products.sync(client=store, page_size=2)
    assert first.meta.item_count == counted
    return brand.id, created, ids, first.meta.page_count
