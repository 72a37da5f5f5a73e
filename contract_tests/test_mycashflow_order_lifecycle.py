"""The MyCashflow order lifecycle (issue 15): v1 creates orders, the v0 order actions move them, a model predicts.

The generated clients (mycashflow_client for v1, mycashflow_v0_client for v0, both through mycashflow_sdk) drive
an in-process seeded store. Every action either does what the model says the documented transition does, or
is refused with 409 (ConflictError) exactly when the model says the transition is not allowed; stock
reservations and quantities, statuses, events and the v1 and v0 views of each order agree with the model.
Two things happen outside the API and are modelled too: Klarna refusing to activate a payment (a control
event; activate and quick-process then fail with 500 unless told to ignore it) and the store's archived orders
(seeded; V10: never cancelled, payments never changed). test_mycashflow_lifecycle_mutants.py shows the machine
failing when a rule of the simulator is broken.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule
from mycashflow_client.api.orders import create_order
from mycashflow_client.api.orders import get_order as get_order_v1
from mycashflow_client.api.stock_items import get_stock_item
from mycashflow_client.models import OrderExpand as OrderExpandV1
from mycashflow_client.models import OrderInput, OrderProductInput
from mycashflow_v0_client.api.order_actions import (
    activate_order_payment,
    cancel_order,
    complete_order_shipment,
    mark_order_payment_cancelled,
    mark_order_payment_paid,
    mark_order_payment_unpaid,
    quick_process_order,
)
from mycashflow_v0_client.api.order_shipments import list_order_shipments
from mycashflow_v0_client.api.orders import get_order as get_order_v0
from mycashflow_v0_client.api.orders import list_orders as list_orders_v0
from mycashflow_v0_client.models import OrderExpand, QuickProcessInput

from mycashflow_sdk import ConflictError, MyCashflow, ServerError
from sdk_runtime import RetryPolicy
from simulators.mycashflow import DEFAULT_USER, create_app

from .in_process import SameThreadTransport
from .session import current

CODE = "P0002"  # a seeded product without variations, with a stock item
PROVIDERS = {1: "paytrail", 2: "klarna", 3: "invoice", 5: "cash_on_delivery"}  # seeded payment methods
PAYMENT_ACTIONS = {  # action → (module, statuses it starts from, status it ends in): T2's doc comments
    "mark-as-paid": (mark_order_payment_paid, {"OPEN"}, "PAID"),
    "mark-as-unpaid": (mark_order_payment_unpaid, {"PAID"}, "OPEN"),
    "mark-as-cancelled": (mark_order_payment_cancelled, {"OPEN", "PENDING_ACTIVATION"}, "CANCELLED"),
    "activate": (activate_order_payment, {"PENDING_ACTIVATION"}, "PAID"),
}
EXPAND_V0 = [OrderExpand.PRODUCTS, OrderExpand.SHIPMENTS, OrderExpand.PAYMENTS, OrderExpand.EVENTS]


@dataclass
class Order:
    """What the model expects of one order."""

    id: int
    quantity: int
    provider: str | None
    status: str = "open"
    shipment: str | None = "OPEN"
    payment: str | None = None
    delivered: bool = False
    events: int = 1
    payment_id: int = 0
    shipment_id: int = 0
    total: float = field(default=0.0)
    activation_refused: bool = False  # Klarna refuses to activate the payment (a control event)


@contextmanager
def _store() -> Iterator[tuple[MyCashflow, MyCashflow, httpx.Client]]:
    app = create_app(seed=0, products=10, control=True)
    transport = SameThreadTransport(app)
    with httpx.Client(transport=transport, base_url="https://example-store.mycashflow.fi") as client:
        common: dict[str, Any] = {
            "username": DEFAULT_USER.email,
            "api_key": DEFAULT_USER.api_key,
            "transport": transport,
            "retry": RetryPolicy.disabled(),
        }
        with MyCashflow("example-store", **common) as v1, MyCashflow("example-store", version="v0", **common) as v0:
            yield v1, v0, client


class OrderLifecycle(RuleBasedStateMachine):
    orders = Bundle("orders")
    v1: MyCashflow
    v0: MyCashflow
    app: httpx.Client

    def __init__(self) -> None:
        super().__init__()
        self.model: dict[int, Order] = {}
        self.quantity = 0
        self.reserved = 0

    @initialize(archived=st.integers(0, 4), action=st.sampled_from(["cancel", *sorted(PAYMENT_ACTIONS)]))
    def start(self, archived: int, action: str) -> None:
        assert self.app.post("/_sim/reset").status_code == 200
        item: Any = get_stock_item.sync(CODE, client=self.v1).data  # the models type every field `| Unset`
        self.quantity, self.reserved = item.quantity, item.reserved
        # Once per run, not as a rule: the seeded archived orders are always there, and a rule that needs no
        # bundle would crowd out the rules that grow the model.
        listed: Any = list_orders_v0.sync(client=self.v0, archived_at_from="2000-01-01T00:00:00", page_size=5)
        assert listed.data, "the seeded store has archived orders"
        self._touch_an_archived_order(listed.data[archived % len(listed.data)].id, action)

    @rule(target=orders, method=st.sampled_from([2, 1, 3, 5, None]), quantity=st.integers(1, 3), portal=st.booleans())
    def create(self, method: int | None, quantity: int, portal: bool) -> int:
        """A v1 order; with `portal`, a Klarna payment the merchant then activates in Klarna's portal (K1)."""
        body = OrderInput(shipping_method_id=1, products=[OrderProductInput(product_code=CODE, quantity=quantity)])
        if method is not None:
            body.payment_method_id = method
        created: Any = create_order.sync(client=self.v1, body=body).data
        full: Any = get_order_v0.sync(created.id, client=self.v0, expand=EXPAND_V0).data
        order = Order(created.id, quantity, PROVIDERS.get(method) if method else None)
        order.shipment_id = full.shipments[0].id
        if method is not None:
            order.payment = "PENDING_ACTIVATION" if order.provider == "klarna" else "OPEN"
            order.payment_id = full.payments[0].id
        self.model[order.id] = order
        self.reserved += quantity
        self._check(order)
        if portal and order.provider == "klarna":
            self.klarna_refuses_activation(order.id)
        return order.id

    def _refused(self, call: Any, *args: Any, **kwargs: Any) -> bool:
        return self._outcome(call, *args, **kwargs) == "refused"

    def _outcome(self, call: Any, *args: Any, **kwargs: Any) -> str:
        """`done`, `refused` (409: a transition the state does not allow) or `failed` (500: an activation error)."""
        try:
            call(*args, **kwargs)
        except ConflictError as error:
            assert error.errors, "a refused transition names what is wrong"
            return "refused"
        except ServerError as error:
            assert "payments" in error.errors, "an activation error names the payments"
            return "failed"
        return "done"

    @rule(order_id=orders)
    def cancel(self, order_id: int) -> None:
        order = self.model[order_id]
        allowed = order.status in ("open", "completed")
        refused = self._refused(cancel_order.sync, order_id, client=self.v0)
        assert refused is not allowed, f"cancel of a {order.status} order: refused={refused}"
        if not refused:
            self._cancelled(order)
        self._check(order)

    def _cancelled(self, order: Order) -> None:
        if order.status == "open" and not order.delivered:
            self.reserved -= order.quantity
        if order.payment in ("OPEN", "PENDING_ACTIVATION"):
            order.payment = "CANCELLED"
        order.status = "cancelled"
        order.events += 1

    @rule(
        order_id=orders,
        allow_cod=st.booleans(),
        ignore=st.booleans(),
        emails=st.booleans(),
        tracking=st.sampled_from(["", "JJFI1"]),
    )
    def quick_process(self, order_id: int, allow_cod: bool, ignore: bool, emails: bool, tracking: str) -> None:
        order = self.model[order_id]
        body = QuickProcessInput(
            allow_open_cash_on_delivery_payments=allow_cod, ignore_payment_activation_errors=ignore, send_emails=emails
        )
        if tracking:
            body.tracking_code = tracking
        cod_blocks = order.provider == "cash_on_delivery" and order.payment == "OPEN" and not allow_cod
        allowed = order.status == "open" and order.payment in ("OPEN", "PENDING_ACTIVATION", "PAID") and not cod_blocks
        activation_fails = order.activation_refused and order.payment == "PENDING_ACTIVATION"
        expected = "refused" if not allowed else "failed" if activation_fails and not ignore else "done"
        outcome = self._outcome(quick_process_order.sync, order_id, client=self.v0, body=body)
        assert outcome == expected, f"quick-process of {order} (ignore={ignore}): {outcome}, expected {expected}"
        if outcome == "done":
            self._quick_processed(order, emails, activation_fails)
        self._check(order)

    def _quick_processed(self, order: Order, emails: bool, activation_fails: bool) -> None:
        if activation_fails:
            order.events += 1  # payment.activation_failed: ignored, the payment stays PENDING_ACTIVATION
        elif order.payment != "PAID" and order.provider != "cash_on_delivery":
            order.payment = "PAID"
            order.events += 1
        if order.shipment == "OPEN":
            order.shipment = "COMPLETED"
            order.events += 1
        self._deliver(order)
        order.status = "completed"
        order.events += 2 + int(emails)  # order.completed, order.quick_processed (+ the e-mail)

    @rule(order_id=orders)
    def complete_shipment(self, order_id: int) -> None:
        order = self.model[order_id]
        listed: Any = list_order_shipments.sync(order_id, client=self.v0).data
        assert [s.id for s in listed] == [order.shipment_id]
        allowed = order.status != "cancelled" and order.shipment == "OPEN"
        refused = self._refused(complete_order_shipment.sync, order_id, order.shipment_id, client=self.v0)
        assert refused is not allowed, f"complete shipment of {order}: refused={refused}"
        if not refused:
            order.shipment = "COMPLETED"
            self._deliver(order)
            order.status = "completed"
            order.events += 2  # shipment.completed, order.completed
        self._check(order)

    @rule(order_id=orders, action=st.sampled_from(sorted(PAYMENT_ACTIONS)))
    def payment(self, order_id: int, action: str) -> None:
        order = self.model[order_id]
        if order.payment is None:
            return
        module, starts, ends = PAYMENT_ACTIONS[action]
        allowed = order.payment in starts and (order.status != "cancelled" or ends == "CANCELLED")
        fails = action == "activate" and order.activation_refused
        expected = "refused" if not allowed else "failed" if fails else "done"
        outcome = self._outcome(module.sync, order_id, order.payment_id, client=self.v0)
        assert outcome == expected, f"{action} on {order}: {outcome}, expected {expected}"
        if outcome == "done":
            order.payment = ends
            order.events += 1
        self._check(order)

    @rule(order_id=orders)
    def klarna_refuses_activation(self, order_id: int) -> None:
        """Outside the API: the merchant activated the Klarna payment in Klarna's portal (K1)."""
        order = self.model[order_id]
        if order.payment is None:
            return
        possible = order.provider == "klarna" and order.payment == "PENDING_ACTIVATION"
        answer = self.app.post(f"/_sim/payments/{order.payment_id}/activation-refused")
        assert answer.status_code == (200 if possible else 400), f"activation-refused on {order}: {answer.text}"
        order.activation_refused = order.activation_refused or possible
        self._check(order)

    def _touch_an_archived_order(self, order_id: int, action: str) -> None:
        """V10: an archived order is never cancelled and its payment transactions never change."""
        before: Any = get_order_v0.sync(order_id, client=self.v0, expand=EXPAND_V0).data
        if action == "cancel":
            refused = self._refused(cancel_order.sync, order_id, client=self.v0)
        elif before.payments:
            refused = self._refused(PAYMENT_ACTIONS[action][0].sync, order_id, before.payments[0].id, client=self.v0)
        else:
            return
        assert refused, f"{action} on archived order {order_id} was not refused"
        after: Any = get_order_v0.sync(order_id, client=self.v0, expand=EXPAND_V0).data
        assert after.to_dict() == before.to_dict(), f"archived order {order_id} changed"

    def _deliver(self, order: Order) -> None:
        if not order.delivered:
            order.delivered = True
            self.reserved -= order.quantity
            self.quantity -= order.quantity

    @invariant()
    def stock_follows_the_orders(self) -> None:
        item: Any = get_stock_item.sync(CODE, client=self.v1).data
        got, modelled = (item.quantity, item.reserved), (self.quantity, self.reserved)
        assert got == modelled, f"stock (quantity, reserved) is {got}, the model says {modelled}"
        assert item.balance == item.quantity - item.reserved, "balance is not quantity - reserved"

    def _check(self, order: Order) -> None:
        """The order the step touched is as modelled, and v0 and v1 show it identically."""
        v0: Any = get_order_v0.sync(order.id, client=self.v0, expand=EXPAND_V0).data
        v1: Any = get_order_v1.sync(order.id, client=self.v1, expand=[OrderExpandV1(e.value) for e in EXPAND_V0]).data
        assert v0.to_dict() == v1.to_dict(), f"order {order.id}: v0 and v1 disagree"
        assert v0.status.value == order.status
        assert [s.status.value for s in v0.shipments] == [order.shipment]
        assert [p.status.value for p in v0.payments] == ([] if order.payment is None else [order.payment])
        assert len(v0.events) == order.events, [e.code for e in v0.events]
        assert all(row.delivered_at for row in v0.products) is order.delivered


def test_order_lifecycle_follows_the_documented_transitions() -> None:
    profile = current().profile
    with _store() as (OrderLifecycle.v1, OrderLifecycle.v0, OrderLifecycle.app):
        OrderLifecycle.TestCase.settings = profile.hypothesis(
            profile.model_runs, stateful_step_count=profile.model_steps
        )
        OrderLifecycle.TestCase().runTest()
