"""The Mash eCommerce API client: `Mash` plus typed errors, for the functions in `mash_client.api`."""

from sdk_runtime import ConfigurationError, RetryPolicy
from sdk_runtime._public import publish_names as _publish_names

from ._client import PRODUCTION_URL, Mash
from ._errors import (
    AuthenticationError,
    BadRequestError,
    CreditDecisionError,
    DuplicateOrderError,
    InvalidOrderError,
    MashError,
    MerchantRegistrationError,
    OrderNotFoundError,
    OrderStateError,
    PaymentPlanError,
    PermissionDeniedError,
    ServerError,
)

__all__ = [
    "PRODUCTION_URL",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "CreditDecisionError",
    "DuplicateOrderError",
    "InvalidOrderError",
    "Mash",
    "MashError",
    "MerchantRegistrationError",
    "OrderNotFoundError",
    "OrderStateError",
    "PaymentPlanError",
    "PermissionDeniedError",
    "RetryPolicy",
    "ServerError",
]


_publish_names(__name__, globals(), __all__)
