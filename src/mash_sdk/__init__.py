"""The Mash eCommerce API client: `Mash` plus typed errors, for the functions in `mash_client.api`."""

from sdk_runtime import ConfigurationError, RetryPolicy

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


# Tracebacks and reprs name the public path (`mash_sdk.X`, not `mash_sdk._mod.X`), as httpx does; names
# re-exported from another package keep theirs.
for _name in __all__:
    _value = globals()[_name]
    if getattr(_value, "__module__", "").startswith("mash_sdk."):
        _value.__module__ = "mash_sdk"
del _name, _value
