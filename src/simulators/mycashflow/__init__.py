"""A simulated MyCashflow store: every operation of the patched v1 spec, over HTTPS, with a seeded catalogue."""

from .app import DEFAULT_PRODUCTS, create_app
from .auth import DEFAULT_USER, ApiUser
from .listing import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from .state import StoreSettings

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "DEFAULT_PRODUCTS",
    "DEFAULT_USER",
    "MAX_PAGE_SIZE",
    "ApiUser",
    "StoreSettings",
    "create_app",
]
