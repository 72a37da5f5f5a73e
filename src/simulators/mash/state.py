"""What the simulator remembers: merchants and their keys, orders, invoices, plans, payout items (all capped)."""

from __future__ import annotations

import enum
import itertools
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import orjson

from .._serving import DEFAULT_MAX_RECORD_BYTES, DEFAULT_MAX_STORE_BYTES, BoundedStore, ByteBudget, SimClock
from .identities import Identity
from .money import ZERO, cents
from .pricing import DEFAULT_INVOICE_PRICING, DEFAULT_PLAN_TYPES, InvoicePricing, PlanType

__all__ = [
    "EXPIRY",
    "ApiKey",
    "Document",
    "Item",
    "MashState",
    "Merchant",
    "MerchantSeed",
    "Order",
    "PayoutEntry",
    "Status",
]

EXPIRY = timedelta(days=30)  # an Approved order not charged within this period expires (20007)


class Status(enum.Enum):
    """Order statuses with their numeric codes (doc examples: Pending 1, Active 4, Closed 6; the rest in enum order)."""

    PENDING = "Pending"
    APPROVED = "Approved"
    DENIED = "Denied"
    ACTIVE = "Active"
    CANCELLED = "Cancelled"
    CLOSED = "Closed"

    @property
    def code(self) -> str:
        return _STATUS_CODES[self]


_STATUS_CODES = {status: str(i) for i, status in enumerate(Status, start=1)}


@dataclass(frozen=True)
class MerchantSeed:
    """A merchant with API keys that exists from start-up (the default test merchant, or seeded ones)."""

    merchant_id: int = 23232323  # the doc's create-order example merchant
    name: str = "Simulated Shop Oy"
    username: str = "simulator"
    password: str = "simulator-password"
    also_acts_for: tuple[int, ...] = ()  # more merchants this key may act for, created with it


@dataclass
class Merchant:
    merchant_id: int
    name: str
    info: dict[str, Any]
    pricing_updated: datetime
    registered_by: str | None = None  # username of the key that registered it (acts for it too)
    plan_types: tuple[PlanType, ...] = DEFAULT_PLAN_TYPES
    invoice_pricing: InvoicePricing = DEFAULT_INVOICE_PRICING
    payment_types: frozenset[str] = frozenset({"Invoice", "PaymentPlan"})  # CreditAccount → 20010


@dataclass
class ApiKey:
    """A username/password pair and the merchants it may act for (its own, and those it registered)."""

    username: str
    password: str
    merchant_id: int  # the key's own merchant: the default merchantId of create order
    merchant_ids: set[int]  # every merchant it may act for: its own and those it registered


@dataclass
class Item:
    """An order item; `units` may be split by partial deliveries and partial refunds."""

    article_id: str | None
    description: str | None
    price: Decimal
    units: Decimal
    vat: Decimal | None
    type: int
    status: str = "Reserved"
    document_id: int | str | None = None  # the invoice / payment plan it was charged on

    @property
    def amount(self) -> Decimal:
        return cents(self.price * self.units)

    def matches(self, wanted: Item) -> bool:
        """Refund order: "Input order items are matched to existing ones with articleId+type (if not available,
        description+type)". articleId decides when both items have one; otherwise (either lacks it) the
        description does. Charges match the same way."""
        if self.type != wanted.type:
            return False
        if self.article_id and wanted.article_id:
            return self.article_id == wanted.article_id
        return self.description is not None and self.description == wanted.description

    def copy(self, units: Decimal, status: str) -> Item:
        return Item(self.article_id, self.description, self.price, units, self.vat, self.type, status, self.document_id)


@dataclass
class Document:
    """An Invoice or a PaymentPlan created by one charge; refunds and corrections reduce or raise its total."""

    id: int | str
    kind: str  # "Invoice" | "PaymentPlan"
    created: datetime
    items: list[Item]
    refunded: list[Item] = field(default_factory=list)  # refunded copies and Correction items (signed)
    plan_type: PlanType | None = None
    due: date | None = None

    @property
    def net(self) -> Decimal:
        """Charged minus refunded plus corrections: this document's share of the order's chargedTotal."""
        refunds = sum((i.amount for i in self.refunded if i.type != 5), ZERO)
        corrections = sum((i.amount for i in self.refunded if i.type == 5), ZERO)
        return sum((i.amount for i in self.items), ZERO) - refunds + corrections


@dataclass
class PayoutEntry:
    merchant_id: int
    order_id: str
    created: datetime
    payout_type: str  # "Charge" | "Correction"
    amount: Decimal
    document_id: int | str
    payout_reference: str
    username: str
    client_order_id: str
    client_customer_id: str | None
    customer_name: str | None


@dataclass
class Order:
    order_id: str
    merchant_id: int
    client_order_id: str
    order_placed: str
    created: datetime
    status: Status
    payment_type: str
    installment_count: int | None
    plan_type_id: str | None
    customer: dict[str, Any]
    identity: Identity
    delivery_address: dict[str, Any] | None
    invoicing_address: dict[str, Any]
    items: list[Item]
    reserved_total: Decimal
    itemized: bool  # False: created with totalItems only, so charges bring their own items
    expires: datetime | None = None
    expired: bool = False
    documents: list[Document] = field(default_factory=list)
    charge_events: list[dict[str, Any]] = field(default_factory=list)
    cached: bytes | None = None  # the OrderResult JSON, dropped on every change

    @property
    def locale(self) -> str | None:
        locale = self.customer.get("locale")
        return locale if isinstance(locale, str) else None

    @property
    def charged_total(self) -> Decimal:
        return sum((d.net for d in self.documents), ZERO)

    def touch(self) -> None:
        self.cached = None


class MashState:
    """All simulator state. Handlers are synchronous and never await while they change it: on one event
    loop each request's read-check-write runs without interleaving, so duplicates and double charges
    cannot slip between a check and its write."""

    def __init__(
        self,
        clock: SimClock,
        max_records: int,
        merchants: tuple[MerchantSeed, ...],
        *,
        weigh_order: Callable[[Order], int],
        max_store_bytes: int = DEFAULT_MAX_STORE_BYTES,
        max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
    ) -> None:
        self.clock = clock
        self.max_records = max_records
        self.seeds = merchants
        self._weigh_order = weigh_order  # the OrderResult's JSON size (views.py; it is cached for the answer)
        self._byte_limits = (max_store_bytes, max_record_bytes)
        self.reset()

    def reset(self) -> None:
        self.budget = ByteBudget(*self._byte_limits)
        self.fixed_merchants: dict[int, Merchant] = {}
        self.registered: BoundedStore[int, Merchant] = BoundedStore(
            self.max_records, self._forget_merchant, weigh=_merchant_weight, budget=self.budget
        )
        self.keys: dict[str, ApiKey] = {}
        self.own_keys: dict[int, list[str]] = {}  # merchant → usernames of keys created for it
        self.auth_cache: dict[bytes, ApiKey] = {}
        self.orders: BoundedStore[str, Order] = BoundedStore(
            self.max_records, self._forget_order, weigh=self._weigh_order, budget=self.budget
        )
        self.by_client_id: dict[tuple[int, str], str] = {}
        self.phones: BoundedStore[str, str] = BoundedStore(self.max_records)  # phone → person
        self.person_phones: BoundedStore[str, str] = BoundedStore(self.max_records)  # person → phone
        self.emails: BoundedStore[str, str] = BoundedStore(self.max_records)
        self.payouts: deque[PayoutEntry] = deque(maxlen=self.max_records)
        self.order_ids = itertools.count(1223435)  # the doc's example order id comes first
        self.invoice_ids = itertools.count(12121221)
        self.plan_ids = itertools.count(5673)
        self.event_ids = itertools.count(1)
        self.merchant_ids = itertools.count(1000001)
        self.payout_refs = itertools.count(100001234567)
        for seed in self.seeds:
            self.add_fixed_merchant(seed)

    def add_fixed_merchant(self, seed: MerchantSeed) -> ApiKey:
        for merchant_id in (seed.merchant_id, *seed.also_acts_for):
            name = seed.name if merchant_id == seed.merchant_id else f"Merchant {merchant_id}"
            self.fixed_merchants[merchant_id] = Merchant(merchant_id, name, {"name": name}, self.now())
        merchant_ids = {seed.merchant_id, *seed.also_acts_for}
        return self.add_key(ApiKey(seed.username, seed.password, seed.merchant_id, merchant_ids))

    def add_key(self, key: ApiKey) -> ApiKey:
        # Any change of keys empties the cache: a cached header may be any spelling of the old credentials.
        self.auth_cache.clear()
        self.keys[key.username] = key
        self.own_keys.setdefault(key.merchant_id, []).append(key.username)
        return key

    def merchant(self, merchant_id: int) -> Merchant | None:
        return self.fixed_merchants.get(merchant_id) or self.registered.get(merchant_id)

    def now(self) -> datetime:
        return self.clock.now()

    def store_order(self, order: Order) -> None:
        self.orders.put(order.order_id, order)
        self.by_client_id[(order.merchant_id, order.client_order_id)] = order.order_id

    def _forget_order(self, order_id: str, order: Order) -> None:
        self.by_client_id.pop((order.merchant_id, order.client_order_id), None)

    def _forget_merchant(self, merchant_id: int, merchant: Merchant) -> None:
        registrar = self.keys.get(merchant.registered_by or "")
        if registrar is not None:
            registrar.merchant_ids.discard(merchant_id)
        for username in self.own_keys.pop(merchant_id, []):
            if self.keys.pop(username, None) is not None:
                self.auth_cache.clear()


def _merchant_weight(merchant: Merchant) -> int:
    # merchantInfo is the caller's JSON, kept as sent; the rest of a Merchant is small and fixed.
    return len(orjson.dumps(merchant.info)) + 256
