"""Merchants and their API keys: HTTP Basic authentication, and "Add merchant"."""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
from collections.abc import Mapping
from typing import Any

from .state import ApiKey, MashState, Merchant

__all__ = ["EXTRANET_LINK", "add_merchant", "authenticate"]

EXTRANET_LINK = "https://extranet.mash.test/"  # the simulator has no extranet; .test never resolves
# Only headers that authenticated are cached. The cache is keyed on the raw header (one dict lookup per
# request, no base64 or hmac on the hot path), so one credential may sit under several spellings
# ("Basic", "basic", extra spaces): MashState.add_key and key removal clear the whole cache, and a hit
# is used only while its key is still the live key of its username.
_AUTH_CACHE_CAP = 10_000


def authenticate(state: MashState, headers: Mapping[bytes, bytes]) -> ApiKey | None:
    """The key of a valid `Authorization: Basic …` header; a header seen before costs one dict lookup."""
    header = headers.get(b"authorization")
    if header is None:
        return None
    key = state.auth_cache.get(header)
    if key is not None and state.keys.get(key.username) is key:  # a key replaced or dropped since is stale
        return key
    scheme, _, encoded = header.partition(b" ")
    if scheme.lower() != b"basic":
        return None
    try:
        username, colon, password = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    key = state.keys.get(username)
    if not colon or key is None or not hmac.compare_digest(key.password.encode(), password.encode()):
        return None
    if len(state.auth_cache) < _AUTH_CACHE_CAP:
        state.auth_cache[header] = key
    return key


def add_merchant(state: MashState, key: ApiKey, body: dict[str, Any]) -> dict[str, Any]:
    """Usable at once; the calling (provider) key may act for it, and new keys when `addApiKeys` is true."""
    info = body.get("merchantInfo") or {}
    merchant_id = next(state.merchant_ids)
    merchant = Merchant(merchant_id, info.get("name", ""), dict(info), state.now(), registered_by=key.username)
    state.registered.put(merchant_id, merchant)
    key.merchant_ids.add(merchant_id)
    api_keys = None
    if body.get("addApiKeys"):
        new = state.add_key(ApiKey(f"merchant-{merchant_id}", secrets.token_urlsafe(18), merchant_id, {merchant_id}))
        api_keys = {"username": new.username, "password": new.password}
    extranet = None
    if body.get("extranetUserEmail"):
        extranet = {"username": body["extranetUserEmail"], "password": secrets.token_urlsafe(12), "link": EXTRANET_LINK}
    return {"name": merchant.name, "merchantId": merchant_id, "apiKeys": api_keys, "extranetUser": extranet}
