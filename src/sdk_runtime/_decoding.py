"""What the SDK clients do with a decoded 2xx: log where the body differed from the documented shape, and
decide whether `sync` returns it (tolerant, the default) or raises (strict mode, a body that does not fit).

The generated models do the tolerant reading and record each difference as a `Deviation` (JSON pointer,
documented shape, received shape); this module only sees them through `str()` and their attributes, so it
stays independent of any one generated package.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from ._errors import APIError

__all__ = ["STRICT_ENV_VAR", "DeviationError", "decode_log", "strict_from_env"]

STRICT_ENV_VAR = "SDK_STRICT_DECODING"
"""Set to 1 (or true/yes) to make every client strict unless it is built with `strict=False`."""

decode_log = logging.getLogger("sdk_runtime.decode")
"""One DEBUG line per deviation: `GET /orders/{id} 200: /paymentPlans: documented array, received object`."""

_TRUE = frozenset({"1", "true", "yes"})


def strict_from_env(environ: Mapping[str, str] | None = None) -> bool:
    """Whether `SDK_STRICT_DECODING` asks for strict decoding."""
    value = (os.environ if environ is None else environ).get(STRICT_ENV_VAR, "")
    return value.strip().lower() in _TRUE


def describe(response: httpx.Response) -> str:
    """`METHOD /path STATUS`, without the query string (it can carry personal data)."""
    return f"{response.request.method} {response.request.url.path} {response.status_code}"


class DeviationError(APIError):
    """A strict client received a 2xx body that is readable only tolerantly; `deviations` lists where."""

    def __init__(self, message: str, *, deviations: Sequence[Any], **response: Any) -> None:
        super().__init__(message, **response)
        self.deviations = tuple(deviations)


def log_deviations(response: httpx.Response, deviations: Sequence[Any]) -> None:
    """Log each deviation at DEBUG on `sdk_runtime.decode`."""
    if deviations and decode_log.isEnabledFor(logging.DEBUG):
        where = describe(response)
        for deviation in deviations:
            decode_log.debug("%s: %s", where, deviation)


def strict_error(response: httpx.Response, deviations: Sequence[Any]) -> DeviationError:
    """The error a strict client raises, naming every deviation."""
    listed = "; ".join(str(deviation) for deviation in deviations)
    message = f"{describe(response)}: the body differs from the documented shape: {listed}"
    return DeviationError(message, deviations=deviations, **APIError.response_fields(response))
