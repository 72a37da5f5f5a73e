"""The control endpoints (`--control`): reset to the start-up store, re-seed, inspect an item and its links, and
world events that happen outside the API (`POST /_sim/payments/{id}/activation-refused`: the merchant handled
the Klarna payment in Klarna's own portal, so Klarna refuses MyCashflow's activation; lifecycle.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._serving import ControlHooks, parse_id
from .lifecycle import order_extra, refuse_activation
from .rules import Rules
from .seed import seed_store
from .state import StoreState

__all__ = ["control_hooks"]


def control_hooks(state: StoreState, rules: Mapping[str, Rules], seed: int | None, products: int) -> ControlHooks:
    """`POST /_sim/reset` restores the start-up store; `POST /_sim/seed {"seed": N, "products": M}` makes another."""

    seeded: list[bytes] = []  # the start-up store, saved at the first reset

    def reset() -> None:
        if seed is None:
            state.reset()
        elif seeded:
            state.restore(seeded[0])  # a few ms instead of seeding again (contract runs reset before every test)
        else:
            seed_store(state, rules, seed, products)
            seeded.append(state.snapshot())

    def reseed(payload: Any) -> object:
        if not isinstance(payload, dict) or type(payload.get("seed")) is not int:
            raise ValueError('expected {"seed": <integer>, "products": <integer, optional>}')
        count = payload.get("products", products)
        if type(count) is not int or not 0 <= count <= 10_000:
            raise ValueError("products must be an integer from 0 to 10000")
        return {"seeded": seed_store(state, rules, payload["seed"], count)}

    def inspect(kind: str, key: str, query: dict[str, str]) -> object | None:
        table = state.tables.get(kind)
        record_id = parse_id(key)
        record = None if table is None or record_id is None else table.get(record_id)
        if table is None or record is None:
            return None
        return {"record": record, "extra": table.extra.get(record["id"], {})}

    def overview() -> dict[str, list[dict[str, Any]]]:
        orders = list(state.table("orders").values())[-50:][::-1]
        keep = ("id", "status", "total", "updated_at")
        return {"orders": [{key: order.get(key) for key in keep} for order in orders]}

    def event(kind: str, key: str, name: str) -> object | None:
        payment_id = parse_id(key)
        if kind != "payments" or name != "activation-refused" or payment_id is None:
            return None
        for order in state.table("orders").values():
            for payment in order_extra(state, order).get("payments", ()):
                if payment["id"] == payment_id:
                    refuse_activation(state, order, payment)
                    return {"payment": payment_id, "order": order["id"], "event": name}
        return None

    return ControlHooks(clock=state.clock, reset=reset, seed=reseed, inspect=inspect, overview=overview, event=event)
