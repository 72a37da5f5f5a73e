"""Fault injection: latency, 429 with Retry-After, 5xx, a reset connection or a response that never ends.

A rule names an operation (or all), when it strikes (`before` the handler changes state, or `after`: the
change happened but its answer is lost or late), a rate and a seed: the same requests in the same order
meet the same faults, so a failing run can be repeated. Rules come from `--fault` flags or `/_sim/faults`.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["KINDS", "FaultRule", "FaultSet", "parse_fault"]

KINDS = ("latency", "status", "reset", "hang")
"""latency: wait, then answer as usual; status: answer 429/5xx instead; reset: close the connection with a TCP
RST and no answer; hang: send nothing (with partial=yes: the head and half the body) until `ms` (at most
MAX_MS) has passed or the client leaves, then reset the connection."""
MAX_MS = 120_000
"""The longest wait a rule may ask for: a fault must never hold a connection for ever."""
HANG_MS = 30_000
"""A hang's default length: the server's own body deadline (ConnectionLimits.body_timeout)."""
MAX_RULES = 100


@dataclass(frozen=True, kw_only=True)
class FaultRule:
    """One fault as configured; `matches` and the random draws live in FaultSet."""

    kind: str
    operation: str | None = None  # an operationId; None: every operation
    when: str = "before"
    rate: float = 1.0
    seed: int | None = None
    ms: int = 0  # latency (the low end with ms_max), or how long a hang lasts
    ms_max: int | None = None  # latency drawn uniformly from [ms, ms_max]
    status: int = 503
    retry_after: int | None = None  # seconds, sent as Retry-After
    body: bool = True  # a status fault with a JSON body, or an empty one
    times: int | None = None  # strike at most this many times, then never again
    partial: bool = False  # a hang that sends the head and half the body first (else: not a byte)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "op": self.operation or "*", "when": self.when, "rate": self.rate, "seed": self.seed,
            "ms": self.ms, "ms_max": self.ms_max, "status": self.status, "retry_after": self.retry_after,
            "body": self.body, "times": self.times, "partial": self.partial,
        }  # fmt: skip


@dataclass
class _Live:
    rule: FaultRule
    rng: random.Random
    fired: int = 0


def _int(name: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"fault {name}: expected an integer from {low} to {high}, got {value!r}")
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"fault {name}: expected an integer from {low} to {high}, got {value!r}") from None
    if not low <= number <= high:
        raise ValueError(f"fault {name}: expected an integer from {low} to {high}, got {number}")
    return number


def parse_fault(spec: str | Mapping[str, Any]) -> FaultRule:
    """A rule from `kind=status,status=429,retry_after=1,op=createOrder,rate=0.5,seed=1` or the same keys in JSON.

    Raises ValueError naming the bad key.
    """
    if isinstance(spec, str):
        items: dict[str, Any] = {}
        for part in filter(None, (p.strip() for p in spec.split(","))):
            key, sep, value = part.partition("=")
            if not sep:
                raise ValueError(f"fault {spec!r}: expected key=value, got {part!r}")
            items[key.strip()] = value.strip()
    elif isinstance(spec, Mapping):
        items = dict(spec)
    else:
        raise ValueError(f"fault: expected an object or a key=value,... string, got {type(spec).__name__}")
    known = {"kind", "op", "when", "rate", "seed", "ms", "status", "retry_after", "body", "times", "partial"}
    unknown = sorted(set(items) - known)
    if unknown:
        raise ValueError(f"fault: unknown key(s) {unknown}; known: {sorted(known)}")
    return _rule(items)


def _rule(items: dict[str, Any]) -> FaultRule:
    kind = items.get("kind")
    if kind not in KINDS:
        raise ValueError(f"fault kind: expected one of {list(KINDS)}, got {kind!r}")
    when = items.get("when", "before")
    if when not in ("before", "after"):
        raise ValueError(f"fault when: expected 'before' or 'after', got {when!r}")
    op = items.get("op", "*")
    if not isinstance(op, str) or not op or len(op) > 200:
        raise ValueError(f"fault op: expected an operationId or '*', got {op!r}")
    try:
        rate = float(items.get("rate", 1.0))
    except (TypeError, ValueError):
        raise ValueError(f"fault rate: expected a number from 0 to 1, got {items.get('rate')!r}") from None
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"fault rate: expected a number from 0 to 1, got {rate}")
    ms, ms_max = _ms(items.get("ms", HANG_MS if kind == "hang" else 0))
    status = _int("status", items.get("status", 503), 400, 599)
    if kind == "status" and not (status == 429 or status >= 500):
        raise ValueError(f"fault status: expected 429 or a 5xx, got {status}")
    retry_after = items.get("retry_after")
    body = _flag(items.get("body", True), "body")
    times = items.get("times")
    return FaultRule(
        kind=str(kind),
        operation=None if op == "*" else op,
        when=str(when),
        rate=rate,
        seed=None if items.get("seed") is None else _int("seed", items["seed"], 0, 2**63),
        ms=ms,
        ms_max=ms_max,
        status=status,
        retry_after=None if retry_after is None else _int("retry_after", retry_after, 0, MAX_MS // 1000),
        body=body,
        times=None if times is None else _int("times", times, 1, 10**9),
        partial=_flag(items.get("partial", False), "partial"),
    )


def _ms(raw: object) -> tuple[int, int | None]:
    """`200` (fixed) or `100-300` (drawn uniformly per request)."""
    if isinstance(raw, str) and "-" in raw:
        low, _, high = raw.partition("-")
        ms, ms_max = _int("ms", low, 0, MAX_MS), _int("ms", high, 0, MAX_MS)
        if ms_max < ms:
            raise ValueError(f"fault ms: range {raw!r} ends before it starts")
        return ms, ms_max
    return _int("ms", raw, 0, MAX_MS), None


def _flag(value: object, name: str) -> bool:
    if isinstance(value, str):
        if value not in ("yes", "no", "true", "false"):
            raise ValueError(f"fault {name}: expected yes or no, got {value!r}")
        return value in ("yes", "true")
    if not isinstance(value, bool):
        raise ValueError(f"fault {name}: expected a boolean, got {value!r}")
    return value


@dataclass
class FaultSet:
    """The active rules, in order: the first that matches and wins its draw strikes."""

    _live: list[_Live] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def of(cls, rules: Iterable[FaultRule]) -> FaultSet:
        faults = cls()
        for rule in rules:
            faults.add(rule)
        return faults

    @property
    def active(self) -> bool:
        return bool(self._live)

    def add(self, rule: FaultRule) -> None:
        with self._lock:
            if len(self._live) >= MAX_RULES:
                raise ValueError(f"at most {MAX_RULES} fault rules")
            self._live.append(_Live(rule, random.Random(rule.seed)))

    def clear(self) -> None:
        with self._lock:
            self._live.clear()

    def replace(self, rules: Iterable[FaultRule]) -> None:
        """These rules instead of the active ones, each with a fresh count and random draw from its seed."""
        with self._lock:
            self._live = [_Live(rule, random.Random(rule.seed)) for rule in rules][:MAX_RULES]

    def rules(self) -> list[dict[str, Any]]:
        return [{**live.rule.to_json(), "fired": live.fired} for live in self._live]

    def pick(self, operation: str, when: str) -> FaultRule | None:
        """The rule that strikes this request at this point, if any (counts it as fired)."""
        for live in self._live:
            rule = live.rule
            if rule.when != when or (rule.operation is not None and rule.operation != operation):
                continue
            if rule.times is not None and live.fired >= rule.times:
                continue
            if rule.rate < 1.0 and live.rng.random() >= rule.rate:
                continue
            live.fired += 1
            return rule
        return None

    def delay(self, rule: FaultRule) -> float:
        """Seconds a latency rule waits (drawn from its own seeded generator for a range)."""
        if rule.ms_max is None:
            return rule.ms / 1000
        for live in self._live:
            if live.rule is rule:
                return live.rng.uniform(rule.ms, rule.ms_max) / 1000
        return rule.ms / 1000
