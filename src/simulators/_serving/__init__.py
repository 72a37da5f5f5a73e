"""API-agnostic serving core: patched spec in, fast validating ASGI app out. See ../README.md."""

from .app import ApiBinding, Call, Failure, Handler, Reply, build_app
from .clock import SimClock
from .control import ControlHooks
from .entry import ServeOptions, Simulator
from .runner import running_in_thread, serve
from .spec import Spec, SpecMismatchError, load_spec
from .store import BoundedStore
from .tolerance import BodyNormalizer, lone_objects_as_lists
from .validation import Operation, compile_operations

__all__ = [
    "ApiBinding",
    "BodyNormalizer",
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
    "lone_objects_as_lists",
    "running_in_thread",
    "serve",
]
