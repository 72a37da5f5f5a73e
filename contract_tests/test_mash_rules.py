"""Mash business rules: the generated client (through mash_sdk) against the in-process simulator, with a model.

Orders move only along the documented state machine (src/simulators/mash/README.md), charged and refunded totals
add up, and every refusal carries the error code the docs give for the order's state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial

import httpx
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, consumes, initialize, invariant, rule
from mash_client.api.orders_and_invoicing import cancel_order, charge_order, create_order, get_order, refund_order
from mash_client.models import (
    CancelOrderRequest,
    ChargeOrderRequest,
    CreateOrderRequest,
    OrderResult,
    RefundOrderRequest,
)

from mash_sdk import Mash, MashError
from sdk_runtime import RetryPolicy
from simulators.mash import DEFAULT_MERCHANT, create_app
from simulators.mash.identities import hetu_check

from .in_process import SameThreadTransport
from .session import current

_BASE = "http://127.0.0.1/api"  # any host reaches the in-process app; loopback keeps plain HTTP allowed
_APPROVED_DIGITS = (0, 1, 5, 6, 7, 8)


def hetu(serial: int, birth: str = "010771") -> str:
    """A formally valid HETU; the hundreds digit of `serial` decides the simulator's credit decision."""
    return f"{birth}-{serial:03d}{hetu_check(f'{birth}{serial:03d}')}"


@dataclass
class Line:
    price: Decimal
    reserved: int
    charged: int = 0  # units charged and not refunded


@dataclass
class Order:
    """What the model expects of one order."""

    order_id: str
    client_order_id: str
    status: str  # Pending, Approved, Active, Cancelled, Closed
    lines: dict[str, Line] = field(default_factory=dict)
    expired: bool = False

    @property
    def charged_total(self) -> Decimal:
        return sum((line.price * line.charged for line in self.lines.values()), Decimal(0))

    @property
    def anything_reserved(self) -> bool:
        return any(line.reserved for line in self.lines.values())

    @property
    def anything_charged(self) -> bool:
        return any(line.charged for line in self.lines.values())


prices = st.integers(min_value=100, max_value=9_999).map(lambda cents: Decimal(cents) / 100)
lines = st.dictionaries(
    st.sampled_from(["A-100", "B-200", "C-300", "D-400"]),
    st.tuples(prices, st.integers(min_value=1, max_value=4)),
    min_size=1,
    max_size=3,
)


def _status(result: OrderResult) -> str:
    return result.status.value


@contextmanager
def _client() -> Iterator[tuple[Mash, httpx.Client]]:
    """One simulator for every run of the machine (each run starts with /_sim/reset): building it costs more
    than a whole run."""
    transport = SameThreadTransport(create_app(control=True))
    with httpx.Client(transport=transport, base_url="http://127.0.0.1") as app:
        mash = Mash(
            username=DEFAULT_MERCHANT.username,
            password=DEFAULT_MERCHANT.password,
            base_url=_BASE,
            allow_insecure=True,
            transport=transport,
            retry=RetryPolicy.disabled(),
        )
        with mash:
            yield mash, app


class MashOrders(RuleBasedStateMachine):
    orders = Bundle("orders")
    mash: Mash
    app: httpx.Client

    def __init__(self) -> None:
        super().__init__()
        self.model: dict[str, Order] = {}
        self.serial = 0

    @initialize()
    def start(self) -> None:
        assert self.app.post("/_sim/reset").status_code == 200

    def _individual(self) -> int:
        return 2 + self.serial % 98  # individual numbers 000 and 001 are not formally valid

    def _refused(self, call: Callable[[], object], code: int) -> None:
        try:
            call()
        except MashError as error:
            assert error.code == code, f"expected error {code}, got {error.code}: {error.message}"
            return
        raise AssertionError(f"expected error {code}, the call succeeded")

    def _check(self, order: Order, result: OrderResult) -> None:
        assert str(result.order_id) == order.order_id
        assert _status(result) == order.status, f"{order.order_id}: {_status(result)} != {order.status}"
        expected = float(order.charged_total)
        assert round(float(result.charged_total or 0), 2) == round(expected, 2), (result.charged_total, expected)

    def _body(self, client_order_id: str, person: str, items: dict[str, tuple[Decimal, int]]) -> CreateOrderRequest:
        return CreateOrderRequest.from_dict(
            {
                "merchantId": DEFAULT_MERCHANT.merchant_id,
                "clientOrderId": client_order_id,
                "customer": {"personId": person, "name": "Teppo Testaaja", "locale": "fi-FI"},
                "paymentType": "Invoice",
                "orderItems": [
                    {
                        "articleId": article,
                        "description": f"Tuote {article}",
                        "pricePerUnit": float(price),
                        "numberOfUnits": units,
                        "vatPercent": 24,
                        "type": 1,
                    }
                    for article, (price, units) in sorted(items.items())
                ],
            }
        )

    @rule(target=orders, items=lines, pending=st.booleans(), digit=st.sampled_from(_APPROVED_DIGITS))
    def create(self, items: dict[str, tuple[Decimal, int]], pending: bool, digit: int) -> str:
        self.serial += 1
        client_order_id = f"M-{self.serial}"
        person = hetu((2 if pending else digit) * 100 + self._individual())
        result = create_order.sync(client=self.mash, body=self._body(client_order_id, person, items))
        order = Order(str(result.order_id), client_order_id, "Pending" if pending else "Approved")
        order.lines = {article: Line(price, units) for article, (price, units) in items.items()}
        self.model[order.order_id] = order
        self._check(order, result)
        return order.order_id

    @rule(order_id=orders)
    def duplicate_client_order_id_is_20001(self, order_id: str) -> None:
        order = self.model[order_id]
        body = self._body(order.client_order_id, hetu(123), {"A-100": (Decimal(10), 1)})
        self._refused(lambda: create_order.sync(client=self.mash, body=body), 20001)

    @rule(items=lines)
    def failed_scoring_is_not_stored(self, items: dict[str, tuple[Decimal, int]]) -> None:
        self.serial += 1
        body = self._body(f"M-{self.serial}", hetu(900 + self._individual()), items)
        self._refused(lambda: create_order.sync(client=self.mash, body=body), 20020)
        found = self.app.get(f"/_sim/client-orders/M-{self.serial}?merchantId={DEFAULT_MERCHANT.merchant_id}")
        assert found.status_code == 404, found.text

    @rule(items=lines)
    def denied_credit_is_answered_as_a_denied_order(self, items: dict[str, tuple[Decimal, int]]) -> None:
        """Create order: "Resulting order status can be Approved, Pending or Denied." """
        self.serial += 1
        body = self._body(f"M-{self.serial}", hetu(300 + self._individual()), items)
        result = create_order.sync(client=self.mash, body=body)
        order_id = str(result.order_id)
        assert _status(result) == "Denied"
        assert _status(get_order.sync(order_id, client=self.mash)) == "Denied"
        self._refused(
            lambda: charge_order.sync(order_id, client=self.mash, body=ChargeOrderRequest(full_delivery=True)), 20003
        )
        self._refused(lambda: cancel_order.sync(order_id, client=self.mash, body=CancelOrderRequest()), 20015)

    @rule(order_id=orders)
    def get(self, order_id: str) -> None:
        self._check(self.model[order_id], get_order.sync(order_id, client=self.mash))

    @rule(order_id=orders)
    def cancel(self, order_id: str) -> None:
        order = self.model[order_id]
        call = partial(cancel_order.sync, order_id, client=self.mash, body=CancelOrderRequest())
        if order.status not in ("Pending", "Approved"):
            self._refused(call, 20015)
            return
        order.status = "Cancelled"
        for line in order.lines.values():
            line.reserved = 0
        self._check(order, call())

    def _state_refusal(self, order: Order) -> int | None:
        if order.expired:
            return 20007
        return {"Pending": 20004, "Cancelled": 20005, "Closed": 20006}.get(order.status)

    def _charge_refusal(self, order: Order) -> int | None:
        refusal = self._state_refusal(order)
        if refusal is None and not order.anything_reserved:
            return 20024  # Active, nothing left to charge
        return refusal

    @rule(order_id=orders)
    def charge_everything(self, order_id: str) -> None:
        order = self.model[order_id]
        call = partial(charge_order.sync, order_id, client=self.mash, body=ChargeOrderRequest(full_delivery=True))
        refusal = self._charge_refusal(order)
        if refusal is not None:
            self._refused(call, refusal)
            return
        for line in order.lines.values():
            line.charged, line.reserved = line.charged + line.reserved, 0
        order.status = "Active"
        self._check(order, call())

    @rule(order_id=orders, data=st.data())
    def charge_one_article(self, order_id: str, data: st.DataObject) -> None:
        order = self.model[order_id]
        article = data.draw(st.sampled_from(sorted(order.lines)))
        line = order.lines[article]
        body = ChargeOrderRequest.from_dict(
            {"orderItems": [{"articleId": article, "description": f"Tuote {article}", "type": 1}]}
        )
        call = partial(charge_order.sync, order_id, client=self.mash, body=body)
        refusal = self._state_refusal(order)
        if refusal is None and not line.reserved:
            refusal = 20012  # an Invoice item that is not (or no longer) reserved, even if others are
        if refusal is not None:
            self._refused(call, refusal)
            return
        line.charged, line.reserved = line.charged + line.reserved, 0
        order.status = "Active"
        self._check(order, call())

    def _after_refund(self, order: Order) -> None:
        if not order.anything_charged and not order.anything_reserved:
            order.status = "Closed"

    @rule(order_id=orders)
    def refund_everything(self, order_id: str) -> None:
        order = self.model[order_id]
        call = partial(refund_order.sync, order_id, client=self.mash, body=RefundOrderRequest(full_refund=True))
        if order.status not in ("Active", "Closed") or not order.anything_charged:
            self._refused(call, 20014)
            return
        for line in order.lines.values():
            line.charged = 0
        self._after_refund(order)
        self._check(order, call())

    @rule(order_id=orders, data=st.data())
    def refund_some_units(self, order_id: str, data: st.DataObject) -> None:
        order = self.model[order_id]
        article = data.draw(st.sampled_from(sorted(order.lines)))
        line = order.lines[article]
        units = data.draw(st.integers(min_value=1, max_value=max(1, line.charged)))
        body = RefundOrderRequest.from_dict(
            {
                "orderItems": [
                    {"articleId": article, "description": f"Tuote {article}", "numberOfUnits": units, "type": 1}
                ]
            }
        )
        call = partial(refund_order.sync, order_id, client=self.mash, body=body)
        if order.status not in ("Active", "Closed") or not line.charged:
            self._refused(call, 20014)
            return
        line.charged -= units
        self._after_refund(order)
        self._check(order, call())

    @rule()
    def thirty_days_pass(self) -> None:
        assert self.app.post("/_sim/clock/advance", json={"days": 30}).status_code == 200
        for order in self.model.values():
            if order.status == "Approved":  # never charged: expired, shown as Closed
                order.status, order.expired = "Closed", True

    @rule(order_id=consumes(orders))
    def forget(self, order_id: str) -> None:
        """Keeps the bundle small so that rules revisit orders in many states."""

    @invariant()
    def statuses_are_documented_states(self) -> None:
        documented = {"Pending", "Approved", "Active", "Cancelled", "Closed"}
        assert {order.status for order in self.model.values()} <= documented


def test_mash_orders_follow_the_documented_state_machine() -> None:
    profile = current().profile
    with _client() as (MashOrders.mash, MashOrders.app):
        MashOrders.TestCase.settings = profile.hypothesis(profile.model_runs, stateful_step_count=profile.model_steps)
        MashOrders.TestCase().runTest()
