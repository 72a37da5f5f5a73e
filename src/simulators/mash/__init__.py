"""Stateful simulator of the Mash eCommerce API v1.2 (see the "Mash simulator" section of README.md)."""

from .app import DEFAULT_MERCHANT, create_app
from .state import MerchantSeed

__all__ = ["DEFAULT_MERCHANT", "MerchantSeed", "create_app"]
