"""The MyCashflow API client: `MyCashflow`, typed errors and pagination, for `mycashflow_client.api`."""

from sdk_runtime import ConfigurationError, RetryPolicy
from sdk_runtime._public import publish_names as _publish_names

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


_publish_names(__name__, globals(), __all__)
