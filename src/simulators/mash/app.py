"""`create_app()`: the Mash simulator as an ASGI app, serving generated/mash/openapi.yaml under /api."""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp

from .._serving import (
    DEFAULT_MAX_RECORD_BYTES,
    DEFAULT_MAX_STORE_BYTES,
    ApiBinding,
    Failure,
    Harness,
    Reply,
    SimClock,
    Spec,
    build_app,
)
from .._serving.spec import load_spec
from .control import control_hooks
from .errors import Code, MashError, error_reply, error_table
from .handlers import make_handlers
from .merchants import authenticate
from .published import published_shapes
from .redirect import redirect_routes
from .state import MashState, MerchantSeed
from .views import order_bytes

__all__ = ["DEFAULT_MERCHANT", "create_app"]

# The doc's examples name two merchants: 23232323 (Create order) and 232423424 (Get pricing). The default key
# owns the first and may act for the second, so both examples work as published.
DEFAULT_MERCHANT = MerchantSeed(also_acts_for=(232423424,))
_FAILURES = {
    Failure.NOT_FOUND: (404, Code.BAD_REQUEST),
    Failure.METHOD_NOT_ALLOWED: (405, Code.BAD_REQUEST),
    Failure.UNAUTHENTICATED: (401, Code.INVALID_API_KEYS),
    Failure.MALFORMED: (400, Code.BAD_REQUEST),
    Failure.TOO_LARGE: (400, Code.BAD_REQUEST),  # the doc's only code for a refused request body
}


def create_app(
    *,
    control: bool = False,
    max_records: int = 10_000,
    max_store_bytes: int = DEFAULT_MAX_STORE_BYTES,
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
    merchants: tuple[MerchantSeed, ...] = (DEFAULT_MERCHANT,),
    spec: Spec | None = None,
    harness: Harness | None = None,
) -> ASGIApp:
    """A fresh simulator (its own state and clock); `control=True` mounts /_sim/… for tests and demos."""
    spec = spec or load_spec("mash")
    errors = error_table(spec.document)
    state = MashState(
        SimClock(),
        max_records,
        merchants,
        weigh_order=lambda order: len(order_bytes(order)),
        max_store_bytes=max_store_bytes,
        max_record_bytes=max_record_bytes,
    )

    def render_failure(failure: Failure, detail: str, body: Any) -> Reply:
        status, code = _FAILURES[failure]
        customer = body.get("customer") if isinstance(body, dict) else None
        locale = customer.get("locale") if isinstance(customer, dict) else None
        reply_status, payload = error_reply(errors, code, detail, locale)
        # 404/405 keep their HTTP meaning; the body is still the documented error body.
        return (status if failure in (Failure.NOT_FOUND, Failure.METHOD_NOT_ALLOWED) else reply_status), payload

    def render_error(error: MashError) -> Reply:
        return error_reply(errors, error.code, error.detail, error.locale)

    binding = ApiBinding(
        spec=spec,
        handlers=make_handlers(state),
        authenticate=lambda headers: authenticate(state, headers),
        render_failure=render_failure,
        domain_error=MashError,
        render_error=render_error,
        pages=redirect_routes(state, errors),
        control=control_hooks(state),
        normalize_body=published_shapes(spec.document),  # the document's own examples, read as published
    )
    return build_app(binding, control=control, harness=harness)
