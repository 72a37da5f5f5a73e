"""The MyCashflow API client: `MyCashflow`, typed errors and pagination, for `mycashflow_client.api`."""

from sdk_runtime import ConfigurationError, RetryPolicy

from ._client import API_VERSIONS, STORE_URL, MyCashflow, store_url
from ._errors import (
    AuthenticationError,
    BadRequestError,
    ConflictError,
    MyCashflowError,
    NotAcceptableError,
    NotFoundError,
    ServerError,
    ValidationError,
)
from ._pagination import Page, apages, apaginate, pages, paginate
from ._webhooks import WebhookError, WebhookMessage, parse_webhook

__all__ = [
    "API_VERSIONS",
    "STORE_URL",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "ConflictError",
    "MyCashflow",
    "MyCashflowError",
    "NotAcceptableError",
    "NotFoundError",
    "Page",
    "RetryPolicy",
    "ServerError",
    "ValidationError",
    "WebhookError",
    "WebhookMessage",
    "apages",
    "apaginate",
    "pages",
    "paginate",
    "parse_webhook",
    "store_url",
]


# Tracebacks and reprs name the public path (`mycashflow_sdk.X`, not `mycashflow_sdk._mod.X`), as httpx does; names
# re-exported from another package keep theirs.
for _name in __all__:
    _value = globals()[_name]
    if getattr(_value, "__module__", "").startswith("mycashflow_sdk."):
        _value.__module__ = "mycashflow_sdk"
del _name, _value
