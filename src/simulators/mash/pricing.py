"""Payment plan types and invoice pricing of a merchant, and the plan price calculation of "Get pricing"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from .errors import Code, MashError
from .money import ZERO, cents, number

__all__ = [
    "DEFAULT_INVOICE_PRICING",
    "DEFAULT_PLAN_TYPES",
    "PLAN_MAXIMUM",
    "PLAN_MINIMUM",
    "Calculation",
    "InvoicePricing",
    "PlanType",
    "plan_for",
    "pricing_json",
]

PLAN_MINIMUM = Decimal("10.00")  # 20022
PLAN_MAXIMUM = Decimal("2000.00")  # 20023


@dataclass(frozen=True)
class Calculation:
    order_amount: Decimal
    installment_amount: Decimal
    total_amount: Decimal
    initial_fee: Decimal
    notification_fee: Decimal

    def to_json(self) -> dict[str, Any]:
        return {
            "orderAmount": number(self.order_amount),
            "installmentAmount": number(self.installment_amount),
            "totalAmount": number(self.total_amount),
            "initialFee": number(self.initial_fee),
            "notificationFee": number(self.notification_fee),
        }


@dataclass(frozen=True)
class PlanType:
    """One plan type; percentages are of the order amount, interest is simple and yearly."""

    id: str
    installment_count: int
    from_amount: Decimal
    to_amount: Decimal
    initial_fee_fixed: Decimal = Decimal("20")
    initial_fee_percentage: Decimal = ZERO
    notification_fee_fixed: Decimal = Decimal("3.95")
    notification_fee_percentage: Decimal = ZERO
    interest_rate: Decimal = ZERO

    def applies_to(self, amount: Decimal) -> bool:
        return self.from_amount <= amount <= self.to_amount

    def calculate(self, amount: Decimal) -> Calculation:
        """total = amount + initial fee + n x notification fee + interest; installment = total / n, to the cent.

        The doc's example: 350.12 + 20 + 6 x 3.95 = 393.82, and 393.82 / 6 → 65.64.
        """
        n = self.installment_count
        initial = cents(self.initial_fee_fixed + amount * self.initial_fee_percentage / 100)
        notification = cents(self.notification_fee_fixed + amount * self.notification_fee_percentage / 100)
        interest = cents(amount * self.interest_rate / 100 * n / 12)
        total = cents(amount + initial + n * notification + interest)
        return Calculation(amount, cents(total / n), total, initial, notification)

    def to_json(self, amount: Decimal | None = None) -> dict[str, Any]:
        return {
            "id": self.id,
            "installmentCount": self.installment_count,
            "initialFeeFixed": number(self.initial_fee_fixed),
            "initialFeePercentage": number(self.initial_fee_percentage),
            "notificationFeeFixed": number(self.notification_fee_fixed),
            "notificationFeePercentage": number(self.notification_fee_percentage),
            "interestRate": number(self.interest_rate),
            "fromAmount": number(self.from_amount),
            "toAmount": number(self.to_amount),
            "calculation": None if amount is None else self.calculate(amount).to_json(),
        }


@dataclass(frozen=True)
class InvoicePricing:
    invoicing_fee: Decimal = Decimal("3.95")
    invoice_due_days: int = 14

    def to_json(self) -> dict[str, str]:
        return {"invoicingFee": f"{self.invoicing_fee:.2f}", "invoiceDue": str(self.invoice_due_days)}


DEFAULT_INVOICE_PRICING = InvoicePricing()
# Every count the docs name (3/6/12/24), within the 10-2000 € plan limits; longer plans need larger orders.
# 4587 is the doc's example id for the 6-installment type.
DEFAULT_PLAN_TYPES = (
    PlanType("4583", 3, Decimal("10.00"), PLAN_MAXIMUM),
    PlanType("4587", 6, Decimal("30.00"), PLAN_MAXIMUM),
    PlanType("4591", 12, Decimal("100.00"), PLAN_MAXIMUM),
    PlanType("4595", 24, Decimal("300.00"), PLAN_MAXIMUM),
)


def plan_for(plan_types: tuple[PlanType, ...], count: int, amount: Decimal, locale: str | None) -> PlanType:
    """The plan type for `count` installments on `amount`: 20022 below 10 €, 20023 above 2000 €, else 20021."""
    if amount < PLAN_MINIMUM:
        raise MashError(Code.BELOW_PLAN_MINIMUM, f"order total {amount}", locale)
    if amount > PLAN_MAXIMUM:
        raise MashError(Code.ABOVE_PLAN_MAXIMUM, f"order total {amount}", locale)
    for plan in plan_types:
        if plan.installment_count == count and plan.applies_to(amount):
            return plan
    raise MashError(Code.INSTALLMENT_COUNT_NOT_POSSIBLE, f"{count} installments on {amount}", locale)


def pricing_json(
    plan_types: tuple[PlanType, ...], invoice: InvoicePricing, updated: datetime, amount: Decimal | None
) -> dict[str, Any]:
    """Without an amount every plan type; with one, the applicable types with their calculation."""
    plans = plan_types if amount is None else tuple(p for p in plan_types if p.applies_to(amount))
    return {
        "pricingUpdated": updated.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "invoice": invoice.to_json(),
        "paymentPlans": [plan.to_json(amount) for plan in plans],
    }
