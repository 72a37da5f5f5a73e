"""Money as Decimal cents: amounts add up exactly, and JSON gets plain numbers."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

__all__ = ["CENT", "ZERO", "cents", "number"]

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def cents(value: Decimal | float | int | str) -> Decimal:
    """Round half up to the cent (the doc's 393.82 / 6 = 65.636… → 65.64)."""
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def number(value: Decimal) -> float | int:
    """A JSON number: 20 stays 20, 3.95 stays 3.95."""
    return int(value) if value == value.to_integral_value() else float(value)
