"""Stateful simulator of the Mash eCommerce API v1.2 (its behaviour, rule by rule: README.md beside this file)."""

from .app import DEFAULT_MERCHANT, create_app
from .state import MerchantSeed

__all__ = ["DEFAULT_MERCHANT", "MerchantSeed", "create_app"]
