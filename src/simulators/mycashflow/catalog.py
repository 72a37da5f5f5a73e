"""Products and what hangs off them: variations, stock items (by product code), stock changes, images, categories.

Conventions (chosen where the docs are silent): a product code names one product or variation store-wide
(stock items are addressed by it), so a duplicate is a 409; a product or variation with a code has a stock
item, made with it and renamed with it; deleting a product also deletes its variations and their stock
items, and is refused (409) while an open order holds it, as is deleting such a variation; completed and
cancelled orders keep their rows (code, name, price), which are a record of the sale.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from .errors import REQUIRED, McfError
from .rules import Rules
from .state import Record, StoreState

__all__ = ["CategoryRules", "ImageRules", "ProductRules", "StockRules", "VariationRules", "ensure_stock"]

EMPTY_RELATION: list[Any] = []  # what the real API sends for an absent to-one relation (MCF-Q09)


def _exists(state: StoreState, resource: str, field: str, value: Any) -> None:
    if value is not None and state.table(resource).get(value) is None:
        raise McfError.invalid(field, f"No {resource.rstrip('s').replace('-', ' ')} with id {value}.")


def _check_code(state: StoreState, resource: str, changes: dict[str, Any], current: Record | None) -> None:
    code = changes.get("product_code")
    if not code:
        return
    owner = state.codes.get(code)
    if owner is not None and (current is None or owner != (resource, current["id"])):
        raise McfError.conflict("product_code", f"Product code {code!r} is already used by {owner[0]} {owner[1]}.")


def _check_visibilities(state: StoreState, changes: dict[str, Any]) -> None:
    for i, visibility in enumerate(changes.get("visibilities") or ()):
        if state.table("versions").get(visibility.get("version_id")) is None:
            raise McfError.invalid(f"visibilities.{i}.version_id", "No store version with that id.")


def _refuse_if_ordered(state: StoreState, resource: str, record: Record) -> None:
    if state.open_rows.get((resource, record["id"]), 0):
        raise McfError.conflict("id", f"Open orders hold {resource.rstrip('s')} {record['id']}; complete them first.")


def ensure_stock(state: StoreState, code: str, product_id: int, variation_id: int | None, before: str | None) -> None:
    """The stock item of a product or variation follows its code: made on the first code, renamed after."""
    stock = state.table("stock")
    item_id = state.stock_codes.pop(before, None) if before else None
    if not code:
        if item_id is not None:
            stock.remove(item_id)
        return
    record = stock.get(item_id) if item_id is not None else None
    if record is None:
        now = state.now()
        record = {**state.resources["stock"].defaults, "id": stock.next_id(), "created_at": now, "updated_at": now}
        record.update({"product_id": product_id, "variation_id": variation_id, "quantity": None})
        stock.put(record)
    record.update({"code": code, "sku": code})
    state.stock_codes[code] = record["id"]


def _stock_of(state: StoreState, code: str) -> Record | list[Any]:
    item_id = state.stock_codes.get(code) if code else None
    record = None if item_id is None else state.table("stock").get(item_id)
    return EMPTY_RELATION if record is None else record


class ProductRules(Rules):
    def find_by(self, state: StoreState, resource: str, field: str, value: str) -> Record | None:
        # The code index answers without a scan; a variation's code is no product's (T3 then gets 404 and
        # looks the code up among the stock items, which is what its shipped tracker does).
        if field != "product_code":
            return super().find_by(state, resource, field, value)
        owner = state.codes.get(value)
        return state.table("products").get(owner[1]) if owner is not None and owner[0] == "products" else None

    def check(self, state: StoreState, changes: dict[str, Any], current: Record | None) -> None:
        if "name" in changes and not changes["name"].strip():
            raise McfError.invalid("name", REQUIRED)
        _exists(state, "brands", "brand_id", changes.get("brand_id"))
        _exists(state, "suppliers", "supplier_id", changes.get("supplier_id"))
        _check_code(state, "products", changes, current)
        _check_visibilities(state, changes)

    def stored(self, state: StoreState, record: Record, before: Record | None, body: dict[str, Any]) -> None:
        old = None if before is None else before["product_code"]
        if old != record["product_code"] or before is None:
            if old:
                state.codes.pop(old, None)
            if record["product_code"]:
                state.codes[record["product_code"]] = ("products", record["id"])
            ensure_stock(state, record["product_code"], record["id"], None, old)

    def deleting(self, state: StoreState, record: Record) -> None:
        _refuse_if_ordered(state, "products", record)
        extra = state.table("products").extra.get(record["id"], {})
        for variation_id in list(extra.get("variation_ids", ())):
            variation = state.table("variations").get(variation_id)
            if variation is not None:
                _refuse_if_ordered(state, "variations", variation)
        for variation_id in list(extra.get("variation_ids", ())):
            variation = state.table("variations").remove(variation_id)
            if variation is not None:
                VariationRules.release(state, variation)
        ensure_stock(state, "", record["id"], None, record["product_code"])

    def expand(self, state: StoreState, record: Record, name: str, nested: frozenset[str]) -> Any:
        extra = state.table("products").extra.get(record["id"], {})
        if name == "variations":
            variations = state.table("variations")
            found = [v for v in map(variations.get, extra.get("variation_ids", ())) if v is not None]
            if "stock_item" in nested:
                return [{**v, "stock_item": _stock_of(state, v["product_code"])} for v in found]
            return found
        if name == "brand":
            brand = state.table("brands").get(record["brand_id"]) if record["brand_id"] else None
            return EMPTY_RELATION if brand is None else brand
        if name == "stock_item":
            return _stock_of(state, record["product_code"])
        if name in ("category_links", "image_links"):
            return extra.get(name, [])
        return super().expand(state, record, name, nested)


class VariationRules(Rules):
    def check(self, state: StoreState, changes: dict[str, Any], current: Record | None) -> None:
        if current is None and "product_id" not in changes:
            raise McfError.invalid("product_id", REQUIRED)
        _exists(state, "products", "product_id", changes.get("product_id"))
        _check_code(state, "variations", changes, current)

    def stored(self, state: StoreState, record: Record, before: Record | None, body: dict[str, Any]) -> None:
        products = state.table("products")
        if before is not None and before["product_id"] != record["product_id"]:
            self._unlink(state, before)
        ids = products.extra.setdefault(record["product_id"], {}).setdefault("variation_ids", [])
        if record["id"] not in ids:
            ids.append(record["id"])
        old = None if before is None else before["product_code"]
        if old != record["product_code"] or before is None:
            if old:
                state.codes.pop(old, None)
            if record["product_code"]:
                state.codes[record["product_code"]] = ("variations", record["id"])
            ensure_stock(state, record["product_code"], record["product_id"], record["id"], old)

    def deleting(self, state: StoreState, record: Record) -> None:
        _refuse_if_ordered(state, "variations", record)
        self._unlink(state, record)
        self.release(state, record)

    @staticmethod
    def release(state: StoreState, record: Record) -> None:
        if record["product_code"]:
            state.codes.pop(record["product_code"], None)
        ensure_stock(state, "", record["product_id"], record["id"], record["product_code"])

    @staticmethod
    def _unlink(state: StoreState, record: Record) -> None:
        ids = state.table("products").extra.get(record["product_id"], {}).get("variation_ids", [])
        if record["id"] in ids:
            ids.remove(record["id"])


class StockRules(Rules):
    """Stock items: addressed by product code; `balance` = quantity - reserved; a quantity change is logged."""

    def find(self, state: StoreState, resource: str, key: str) -> Record | None:
        item_id = state.stock_codes.get(key)
        return None if item_id is None else state.table("stock").get(item_id)

    def derive(self, state: StoreState, record: Record, extra: dict[str, Any]) -> None:
        record["balance"] = (record["quantity"] or 0) - record["reserved"]

    def stored(self, state: StoreState, record: Record, before: Record | None, body: dict[str, Any]) -> None:
        old = 0 if before is None else before["quantity"] or 0
        if before is not None and (record["quantity"] or 0) != old:
            log_stock_change(state, record, (record["quantity"] or 0) - old, "api")


def log_stock_change(state: StoreState, stock: Record, change: int, source: str, source_id: int | None = None) -> None:
    changes = state.table("stock-changes")
    actor = getattr(state.actor, "user_id", 0)
    entry = {
        "id": changes.next_id(),
        "changed_at": state.now(),
        "user_id": actor,
        "source_type": source,
        "source_id": source_id,
        "stock_item_id": stock["id"],
        "quantity": stock["quantity"] or 0,
        "quantity_change": change,
    }
    changes.put(entry)


class ImageRules(Rules):
    """`POST /images` takes `content` (base64), `url` or `path`, an optional `filename`, and optionally
    `product_id` (+ `caption`) to link the image to a product; the docs describe the three sources only."""

    accepts = frozenset({"filename"})

    def prepare(self, state: StoreState, body: dict[str, Any], current: Record | None) -> dict[str, Any]:
        sources = [key for key in ("content", "url", "path") if isinstance(body.get(key), str) and body[key]]
        if len(sources) != 1:
            raise McfError.invalid("content", "Send exactly one of content (base64), url or path.")
        source = sources[0]
        if source == "content":
            try:
                base64.b64decode(body["content"], validate=True)
            except (binascii.Error, ValueError):
                raise McfError.invalid("content", "The content must be base64-encoded image data.") from None
        name = body.get("filename")
        if not isinstance(name, str) or not name:
            name = PurePosixPath(urlsplit(body[source]).path if source == "url" else body[source]).name
        if source == "content" and not body.get("filename"):
            raise McfError.invalid("filename", REQUIRED)
        product_id = body.get("product_id")
        if product_id is not None and (
            not isinstance(product_id, int) or state.table("products").get(product_id) is None
        ):
            raise McfError.invalid("product_id", f"No product with id {product_id}.")
        return {"filename": name or "image"}

    def stored(self, state: StoreState, record: Record, before: Record | None, body: dict[str, Any]) -> None:
        product_id = body.get("product_id")
        if product_id is None:
            return
        links = state.table("products").extra.setdefault(product_id, {}).setdefault("image_links", [])
        caption = body.get("caption") if isinstance(body.get("caption"), str) else ""
        links.append(
            {
                "product_id": product_id,
                "image_id": record["id"],
                "sort": len(links) + 1,
                "filename": record["filename"],
                "caption": caption,
            }
        )


class CategoryRules(Rules):
    """Categories form a tree: a parent must exist and may not be the category itself or one below it."""

    def check(self, state: StoreState, changes: dict[str, Any], current: Record | None) -> None:
        _check_visibilities(state, changes)
        parent = changes.get("parent_id")
        if parent is None:
            return
        _exists(state, "categories", "parent_id", parent)
        categories = state.table("categories")
        node = categories.get(parent)
        while current is not None and node is not None:
            if node["id"] == current["id"]:
                raise McfError.invalid("parent_id", "A category can't be moved under itself or its subcategories.")
            node = categories.get(node["parent_id"]) if node["parent_id"] else None

    def sublist(self, state: StoreState, parent: Record, sub: str) -> Iterable[Record]:
        return [c for c in state.table("categories").values() if c["parent_id"] == parent["id"]]
