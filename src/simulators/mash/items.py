"""Order items from request bodies: required fields, sane bounds, and Decimal amounts (10002 names the field)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .errors import Code, MashError
from .state import Item

__all__ = ["ALL_UNITS", "MAX_AMOUNT", "amount_field", "read_items"]

MAX_AMOUNT = Decimal("1000000000")  # beyond any real order; keeps Decimal arithmetic far from its limits
ALL_UNITS = Decimal(0)  # a selecting item (charge, refund) without numberOfUnits means every unit


def read_items(raw: list[Any] | None, where: str, locale: str | None, *, selecting: bool = False) -> list[Item]:
    """The schema already checked types; this adds what the schema leaves open but amounts need.

    Selecting items (charge, refund) pick reserved or charged items by articleId/description + type, so
    their price may be left out (the original price applies) and their units too (ALL_UNITS).
    """
    items = []
    for i, entry in enumerate(raw or []):
        at = f"{where}[{i}]"
        price = amount_field(entry.get("pricePerUnit"), f"{at}.pricePerUnit", locale, required=not selecting)
        if selecting and entry.get("numberOfUnits") is None:
            units = ALL_UNITS
        else:
            units = amount_field(entry.get("numberOfUnits", 1), f"{at}.numberOfUnits", locale, required=True)
        if units <= 0 and units is not ALL_UNITS:
            raise MashError(Code.BAD_REQUEST, f"{at}.numberOfUnits: must be greater than 0", locale)
        vat = entry.get("vatPercent")
        items.append(
            Item(
                article_id=entry.get("articleId") or None,
                description=entry.get("description"),
                price=price,
                units=units,
                vat=None if vat is None else amount_field(vat, f"{at}.vatPercent", locale, required=True),
                type=entry.get("type", 1),  # 1 = product when the caller leaves it out
            )
        )
    return items


def amount_field(value: Any, where: str, locale: str | None, *, required: bool = False) -> Decimal:
    if value is None:
        if required:
            raise MashError(Code.BAD_REQUEST, f"{where}: is required", locale)
        return Decimal(0)
    amount = Decimal(str(value))
    if not amount.is_finite() or abs(amount) > MAX_AMOUNT:
        raise MashError(Code.BAD_REQUEST, f"{where}: must be a number within ±{MAX_AMOUNT}", locale)
    return amount
