"""API-agnostic serving core: patched spec in, fast validating ASGI app out. See ../README.md."""

from .app import ApiBinding, Call, Failure, Handler, Reply, build_app
from .clock import SimClock
from .control import ControlHooks
from .entry import ServeOptions, Simulator
from .ids import MAX_ID_DIGITS, parse_id
from .runner import running_in_thread, serve
from .spec import Spec, SpecMismatchError, load_spec
from .store import BoundedStore
from .validation import Operation, compile_operations

__all__ = [
    "MAX_ID_DIGITS",
    "ApiBinding",
    "BoundedStore",
    "Call",
    "ControlHooks",
    "Failure",
    "Handler",
    "Operation",
    "Reply",
    "ServeOptions",
    "SimClock",
    "Simulator",
    "Spec",
    "SpecMismatchError",
    "build_app",
    "compile_operations",
    "load_spec",
    "parse_id",
    "running_in_thread",
    "serve",
]
