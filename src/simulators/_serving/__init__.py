"""API-agnostic serving core: patched spec in, fast validating ASGI app out. See ../README.md."""

from .app import ApiBinding, Call, Failure, Handler, Reply, build_app
from .clock import SimClock
from .control import ControlHooks
from .entry import ServeOptions, Simulator
from .faults import FaultRule, FaultSet, parse_fault
from .harness import Harness
from .ids import MAX_ID_DIGITS, parse_id
from .journal import Journal
from .protocol import ConnectionLimits
from .runner import running_in_thread, serve
from .spec import Spec, SpecMismatchError
from .store import DEFAULT_MAX_RECORD_BYTES, DEFAULT_MAX_STORE_BYTES, BoundedStore, ByteBudget, RecordTooLarge
from .tolerance import BodyNormalizer, lone_objects_as_lists
from .validation import Operation, compile_operations

__all__ = [
    "DEFAULT_MAX_RECORD_BYTES",
    "DEFAULT_MAX_STORE_BYTES",
    "MAX_ID_DIGITS",
    "ApiBinding",
    "BodyNormalizer",
    "BoundedStore",
    "ByteBudget",
    "Call",
    "ConnectionLimits",
    "ControlHooks",
    "Failure",
    "FaultRule",
    "FaultSet",
    "Handler",
    "Harness",
    "Journal",
    "Operation",
    "RecordTooLarge",
    "Reply",
    "ServeOptions",
    "SimClock",
    "Simulator",
    "Spec",
    "SpecMismatchError",
    "build_app",
    "compile_operations",
    "lone_objects_as_lists",
    "parse_fault",
    "parse_id",
    "running_in_thread",
    "serve",
]
