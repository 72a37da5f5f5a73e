"""Orders: rows that refer to products (or variations) and a customer, totals, shipments, payments, stock.

Conventions (chosen where the docs are silent): an order needs at least one row; a row names a product by
`product_id` or `product_code` (a variation's code picks the variation), its `unit_price` defaults to the
variation's or product's price; a new order is `open`, with an OPEN shipment if it has a shipping method and
a payment of the total if it has a payment method (OPEN; PENDING_ACTIVATION for Klarna, T2); its rows
reserve stock (`reserved`, `balance`).
Shipping and payment costs and discounts are not modelled for API-created orders (0).
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from .errors import REQUIRED, McfError
from .rules import Rules
from .state import Record, StoreState

__all__ = ["OrderRules", "WebhookRules", "reserve", "tax_summary"]

_DOWNLOAD: dict[str, Any] = dict.fromkeys(("download_id", "download_time_ends", "download_times_left", "download_url"))
_CUSTOMER_FIELDS = ("company", "vat_code", "first_name", "last_name", "street_address", "postal_code", "city")


class OrderRules(Rules):
    accepts = frozenset({"customer_external_id", "status"})

    def prepare(self, state: StoreState, body: dict[str, Any], current: Record | None) -> dict[str, Any]:
        rows = body.get("products")
        if not rows:
            raise McfError.invalid("products", "An order needs at least one product row.")
        out = dict(body)
        for field, resource in (
            ("customer_id", "customers"),
            ("payment_method_id", "payment-methods"),
            ("shipping_method_id", "shipping-methods"),
            ("version_id", "versions"),
        ):
            value = body.get(field)
            if value is not None and state.table(resource).get(value) is None:
                raise McfError.invalid(field, f"No {resource.rstrip('s').replace('-', ' ')} with id {value}.")
        language = body.get("language", state.settings.language)
        if language not in state.settings.languages:
            raise McfError.invalid("language", f"Unsupported language {language!r}.")
        out["language"] = language
        out.setdefault("version_id", 1 if state.table("versions").get(1) else 0)
        customer = state.table("customers").get(body["customer_id"]) if body.get("customer_id") else None
        if customer is not None:
            out["customer_external_id"] = customer["external_id"]
            out.setdefault(
                "customer_information", {k: customer[k] for k in (*_CUSTOMER_FIELDS, "country", "phone", "email")}
            )
        out["products"] = [self._row(state, i, row) for i, row in enumerate(rows)]
        # Refused before anything is stored: a sum JSON cannot carry would be sent as null (orjson's inf).
        if not math.isfinite(sum(row["unit_price"] * row["quantity"] for row in out["products"])):
            raise McfError.invalid("products", "The order total is too large.")
        out["status"] = "open"
        return out

    def _row(self, state: StoreState, i: int, row: dict[str, Any]) -> dict[str, Any]:
        product, variation = _find_product(state, i, row)
        quantity = row.get("quantity", 1)
        if quantity < 1:
            raise McfError.invalid(f"products.{i}.quantity", "The quantity must be at least 1.")
        source = variation if variation is not None else product
        price = row.get("unit_price")
        if price is None:
            price = source["price"] if source["price"] is not None else product["price"]
        now = state.now()
        return {
            "id": next(state.row_ids),
            "created_at": now,
            "updated_at": now,
            "delivered_at": None,
            "order_id": 0,  # set once the order has its id
            "product_id": product["id"],
            "variation_id": None if variation is None else variation["id"],
            **_DOWNLOAD,
            "customizations": None,
            "vat_rate": product["vat_rate"],
            "bundle_id": None,
            "campaign_id": None,
            "unit_price": float(price),
            "purchase_price": float(product["purchase_price"]),
            "quantity": quantity,
            "product_code": source["product_code"] or product["product_code"],
            "product_name": product["name"],
            "model_name": "" if variation is None else variation["name"],
            "warranty": product["warranty"],
            "custom_data": None,
            "shipment_id": None,
            "return_to_stock": False,
        }

    def derive(self, state: StoreState, record: Record, extra: dict[str, Any]) -> None:
        rows = extra["products"]
        for row in rows:
            row["order_id"] = record["id"]
        subtotal = round(sum(row["unit_price"] * row["quantity"] for row in rows), 2)
        record["subtotal"] = subtotal
        record["total"] = round(subtotal + record["shipping_costs"] + record["payment_costs"] - record["discount"], 2)
        base = f"https://{state.settings.storename}.mycashflow.fi/orders/{record['id']}"
        record.update(
            receipt_url=f"{base}/receipt", return_document_url=f"{base}/return", dispatch_note_url=f"{base}/dispatch"
        )
        now = record["created_at"]
        extra.setdefault(
            "events", [{"created_at": now, "code": "order.created", "message": "Created via the API", "data": {}}]
        )
        extra.setdefault("comments", [])
        if "shipments" not in extra:
            extra["shipments"] = [] if record["shipping_method_id"] is None else [_shipment(state, record, now)]
        if "payments" not in extra:
            extra["payments"] = [] if record["payment_method_id"] is None else [_payment(state, record, now)]

    def stored(self, state: StoreState, record: Record, before: Record | None, body: dict[str, Any]) -> None:
        if before is None and record["status"] == "open":
            reserve(state, state.table("orders").extra[record["id"]]["products"], 1)

    def expand(self, state: StoreState, record: Record, name: str, nested: frozenset[str]) -> Any:
        extra = state.table("orders").extra.get(record["id"], {})
        if name == "products":
            rows = extra.get("products", [])
            return [{**row, "return_reasons": []} for row in rows] if "return_reasons" in nested else rows
        if name == "tax_summary":
            return tax_summary(extra.get("products", []), record)
        if name in ("shipments", "payments", "comments", "events"):
            return extra.get(name, [])
        return super().expand(state, record, name, nested)


def _find_product(state: StoreState, i: int, row: dict[str, Any]) -> tuple[Record, Record | None]:
    products, variations = state.table("products"), state.table("variations")
    variation = None
    if row.get("product_id") is not None:
        product = products.get(row["product_id"])
        if product is None:
            raise McfError.invalid(f"products.{i}.product_id", f"No product with id {row['product_id']}.")
    elif row.get("product_code"):
        owner = state.codes.get(row["product_code"])
        if owner is None:
            raise McfError.invalid(f"products.{i}.product_code", f"No product code {row['product_code']!r}.")
        variation = variations.get(owner[1]) if owner[0] == "variations" else None
        found = products.get(variation["product_id"] if variation else owner[1])
        if found is None:
            raise McfError.invalid(f"products.{i}.product_code", f"No product code {row['product_code']!r}.")
        product = found
    else:
        raise McfError.invalid(f"products.{i}.product_id", REQUIRED)
    if row.get("variation_id") is not None:
        variation = variations.get(row["variation_id"])
        if variation is None or variation["product_id"] != product["id"]:
            raise McfError.invalid(f"products.{i}.variation_id", "No such variation of this product.")
    return product, variation


def reserve(state: StoreState, rows: Iterable[dict[str, Any]], sign: int) -> None:
    """Open orders reserve their rows' stock and keep their products from being deleted."""
    stock = state.table("stock")
    for row in rows:
        for key in (("products", row["product_id"]), ("variations", row["variation_id"])):
            if key[1] is not None:
                state.open_rows[key] = state.open_rows.get(key, 0) + sign
        item_id = state.stock_codes.get(row["product_code"])
        item = None if item_id is None else stock.get(item_id)
        if item is not None:
            item["reserved"] += sign * row["quantity"]
            item["balance"] = (item["quantity"] or 0) - item["reserved"]


def tax_summary(rows: Iterable[dict[str, Any]], order: Record) -> dict[str, Any]:
    """Per VAT rate, prices being tax-inclusive: total, the tax in it, and the total without tax."""
    by_rate: dict[int, float] = {}
    for row in rows:
        by_rate[row["vat_rate"]] = by_rate.get(row["vat_rate"], 0.0) + row["unit_price"] * row["quantity"]

    def line(rate: float, total: float) -> dict[str, float]:
        tax = round(total * rate / (100 + rate), 2)
        return {
            "tax_rate": rate,
            "total": round(total, 2),
            "total_tax": tax,
            "total_without_tax": round(total - tax, 2),
        }

    subtotal = [line(rate, total) for rate, total in sorted(by_rate.items())]
    return {
        "subtotal": subtotal,
        "discount": [],
        "shipping_costs": [line(24, order["shipping_costs"])] if order["shipping_costs"] else [],
        "payment_costs": [line(24, order["payment_costs"])] if order["payment_costs"] else [],
        "total": subtotal,
    }


def _shipment(state: StoreState, order: Record, now: str) -> dict[str, Any]:
    return {
        "id": next(state.row_ids),
        "created_at": now,
        "updated_at": now,
        "completed_at": None,
        "order_id": order["id"],
        "type": "delivery",
        "status": "OPEN",
        "shipping_method_id": order["shipping_method_id"],
        "weight": 0.0,
        "parcel_count": 1,
        "external_id": None,
        "external_pickup_point_id": None,
        "tracking_code": None,
        "shipping_label_url": None,
        "documents": [],
    }


def _payment(state: StoreState, order: Record, now: str) -> dict[str, Any]:
    return {
        "id": next(state.row_ids),
        "created_at": now,
        "updated_at": now,
        "order_id": order["id"],
        "payment_method_id": order["payment_method_id"],
        "reference": f"{order['id']:08d}",
        "external_id": None,
        "amount": order["total"],
        "currency": "EUR",
        "exchange_rate": 1.0,
        "is_confirmed": False,
        "is_paid": False,
        "status": _first_payment_status(state, order),
    }


def _first_payment_status(state: StoreState, order: Record) -> str:
    # T2's Payment.status: PENDING_ACTIVATION is "received, but not activated yet (only with Klarna)";
    # every other method's payment starts OPEN.
    method = state.table("payment-methods").get(order["payment_method_id"])
    return "PENDING_ACTIVATION" if method is not None and method.get("provider") == "klarna" else "OPEN"


class WebhookRules(Rules):
    """A subscription needs a `topic` and an http(s) `url`; `expands` of order topics are order expansions."""

    accepts = frozenset({"uuid", "user_id"})

    def __init__(self, order_expands: frozenset[str]) -> None:
        self._order_expands = order_expands

    def prepare(self, state: StoreState, body: dict[str, Any], current: Record | None) -> dict[str, Any]:
        for field in ("topic", "url"):
            if not isinstance(body.get(field), str) or not body[field].strip():
                raise McfError.invalid(field, REQUIRED)
        if urlsplit(body["url"]).scheme not in ("http", "https") or not urlsplit(body["url"]).netloc:
            raise McfError.invalid("url", "The url must be an absolute http(s) URL.")
        for i, value in enumerate(body.get("expands", ())):
            if body["topic"].startswith("order.") and value not in self._order_expands:
                raise McfError.invalid(f"expands.{i}", f"{value!r} is not an order expansion.")
        number = next(state.webhook_ids)
        made = uuid.uuid5(uuid.NAMESPACE_URL, f"https://{state.settings.storename}.mycashflow.fi/webhooks/{number}")
        return {**body, "uuid": str(made), "user_id": getattr(state.actor, "user_id", 0)}
