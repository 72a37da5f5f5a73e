"""The order-lifecycle state machine can fail: each mutant breaks one rule of the simulator, the machine must say so.

A model that never fails proves nothing. Every mutant below injects one broken transition rule into the
MyCashflow simulator (pytest's monkeypatch, undone after the test, so nothing leaks to other tests or xdist
workers) and runs the unchanged `OrderLifecycle` machine of test_mycashflow_order_lifecycle.py against it with a
small, derandomized budget and no shrinking: the run must end in the machine's own AssertionError naming the rule.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from simulators._serving import Call, Handler, Reply
from simulators.mycashflow import control, handlers, lifecycle, v0
from simulators.mycashflow.orders import reserve
from simulators.mycashflow.state import Record, StoreState

from .test_mycashflow_order_lifecycle import OrderLifecycle, _store

# Bounded: runs of 30 steps, derandomized so that a pass or a failure is reproducible; each mutant says how
# many runs it may take (most are found in the first few, a refused Klarna activation needs a rarer sequence).
BUDGET = settings(
    max_examples=20,
    stateful_step_count=30,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: the first failing run is enough
    report_multiple_bugs=False,
    suppress_health_check=list(HealthCheck),
)


def _activate_open_payments(patch: pytest.MonkeyPatch) -> None:
    """A refused transition allowed: `activate` also takes an OPEN payment (T2: only PENDING_ACTIVATION)."""
    starts, ends, code = lifecycle.PAYMENT_ACTIONS["activate"]
    patch.setitem(lifecycle.PAYMENT_ACTIONS, "activate", (starts | {"OPEN"}, ends, code))


def _complete_twice(patch: pytest.MonkeyPatch) -> None:
    """A refused transition allowed: a delivered shipment can be completed again (T2: OPEN → COMPLETED once)."""
    original = lifecycle.complete_shipment

    def complete(state: StoreState, order: Record, shipment: dict[str, Any]) -> None:
        if shipment["status"] == "COMPLETED" and order["status"] != "cancelled":
            shipment["status"] = "OPEN"
        original(state, order, shipment)

    patch.setattr(v0, "complete_shipment", complete)


def _cancel_keeps_reservations(patch: pytest.MonkeyPatch) -> None:
    """Cancel does not release stock: the open order's rows stay reserved."""
    original = lifecycle.cancel_order

    def cancel(state: StoreState, order: Record) -> None:
        was_open = order["status"] == "open"
        rows = [row for row in lifecycle.order_extra(state, order).get("products", ()) if row["delivered_at"] is None]
        original(state, order)
        if was_open:
            reserve(state, rows, +1)

    patch.setattr(v0, "cancel_order", cancel)


def _v0_shows_the_old_total(patch: pytest.MonkeyPatch) -> None:
    """v0 and v1 disagree: the v0 view of a cancelled order sums its rows instead of showing the store's total."""
    original = handlers.make_handlers  # what v0.py builds its list and get handlers with

    def make_handlers(*args: Any, **kwargs: Any) -> dict[str, Handler]:
        built = original(*args, **kwargs)
        get = built["getOrder"]

        def stale(call: Call) -> Reply:
            status, payload = get(call)
            body = orjson.loads(payload) if isinstance(payload, bytes) else payload
            order = body["data"] if isinstance(body, dict) else None
            if isinstance(order, dict) and order.get("status") == "cancelled":
                order["total"] = sum(row["unit_price"] * row["quantity"] for row in order.get("products", ()))
            return status, body

        built["getOrder"] = stale
        return built

    patch.setattr("simulators.mycashflow.v0.make_handlers", make_handlers)


def _cancel_archived_orders(patch: pytest.MonkeyPatch) -> None:
    """A refused transition allowed: an archived order can be cancelled (V10: it cannot)."""
    original = lifecycle.cancel_order

    def cancel(state: StoreState, order: Record) -> None:
        order["archived_at"] = None
        original(state, order)

    patch.setattr(v0, "cancel_order", cancel)


def _ignore_klarna_refusals(patch: pytest.MonkeyPatch) -> None:
    """An activation error lost: the simulator accepts Klarna's refusal, then activates the payment anyway."""

    def refuse(state: StoreState, order: Record, payment: dict[str, Any]) -> None:
        if payment["status"] != "PENDING_ACTIVATION":
            raise ValueError("only a payment that is PENDING_ACTIVATION can have its activation refused")

    patch.setattr(control, "refuse_activation", refuse)


# mutant → (how to inject it, what the machine's failure must say, runs it may take)
MUTANTS: dict[str, tuple[Callable[[pytest.MonkeyPatch], None], str, int]] = {
    "activate-an-open-payment": (_activate_open_payments, r"activate on .*: done, expected refused", 20),
    "complete-a-shipment-twice": (_complete_twice, r"complete shipment of .*refused=False", 20),
    "cancel-keeps-the-reservation": (_cancel_keeps_reservations, r"stock \(quantity, reserved\) is", 20),
    "v0-and-v1-disagree": (_v0_shows_the_old_total, r"v0 and v1 disagree", 20),
    "cancel-an-archived-order": (_cancel_archived_orders, r"cancel on archived order \d+ was not refused", 20),
    "activation-error-ignored": (_ignore_klarna_refusals, r"(activate|quick-process) .*: done, expected failed", 120),
}


@pytest.mark.parametrize("mutant", sorted(MUTANTS))
def test_the_lifecycle_machine_catches_a_broken_rule(mutant: str, monkeypatch: pytest.MonkeyPatch) -> None:
    inject, failure, runs = MUTANTS[mutant]
    inject(monkeypatch)
    with _store() as (client_v1, client_v0, app):
        # A subclass per run carries its own clients: nothing is set on the shared OrderLifecycle class.
        machine = type("MutantLifecycle", (OrderLifecycle,), {"v1": client_v1, "v0": client_v0, "app": app})
        with pytest.raises(AssertionError, match=failure):
            run_state_machine_as_test(machine, settings=settings(BUDGET, max_examples=runs))
