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
    "apages",
    "apaginate",
    "pages",
    "paginate",
    "store_url",
]
