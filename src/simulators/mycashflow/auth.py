"""API users: HTTP Basic with the user's e-mail address as the user name and the API key as the password."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

__all__ = ["DEFAULT_USER", "ApiUser", "Users"]


@dataclass(frozen=True)
class ApiUser:
    """One API user of the store; real keys are 40 lowercase hex characters, so the default one is too."""

    email: str
    api_key: str
    user_id: int = 1


# Deterministic, so docs and tests can name it; a simulator's key is not a secret (it is printed at start-up).
DEFAULT_USER = ApiUser("api@example-store.fi", hashlib.sha1(b"mycashflow-simulator").hexdigest())
_CACHE_LIMIT = 1024


class Users:
    """Checks Authorization headers; a header seen before is one dict lookup, so auth costs nothing under load."""

    def __init__(self, users: Iterable[ApiUser]) -> None:
        self._by_email = {user.email.lower(): user for user in users}
        self._seen: dict[bytes, ApiUser] = {}

    def authenticate(self, headers: Mapping[bytes, bytes]) -> ApiUser | None:
        header = headers.get(b"authorization")
        if header is None:
            return None
        user = self._seen.get(header)
        if user is None:
            user = self._check(header)
            if user is not None and len(self._seen) < _CACHE_LIMIT:
                self._seen[header] = user
        return user

    def _check(self, header: bytes) -> ApiUser | None:
        scheme, _, token = header.partition(b" ")
        if scheme.lower() != b"basic":
            return None
        try:
            email, sep, key = base64.b64decode(token.strip(), validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        user = self._by_email.get(email.lower())
        if not sep or user is None or not hmac.compare_digest(user.api_key.encode(), key.encode()):
            return None
        return user
