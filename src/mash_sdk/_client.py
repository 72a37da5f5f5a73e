"""`Mash`: the Mash eCommerce API client, for the functions in `mash_client.api`."""

from __future__ import annotations

import httpx

from sdk_runtime import BaseClient, EnvVar

from ._errors import MashError, error_for

__all__ = ["PRODUCTION_URL", "Mash"]

PRODUCTION_URL = "https://fi.mash.com/api"
"""The first `servers` entry of generated/mash/openapi.yaml (a test keeps them equal)."""


class Mash(BaseClient):
    """Mash eCommerce API v1.2 over HTTP Basic; pass it as `client=` to `mash_client.api` functions.

    `Mash(username=..., password=...)` talks to production unless `base_url` says otherwise.
    `sync`/`asyncio` calls return the typed body or raise a `MashError` family; GETs are retried.
    """

    default_base_url = PRODUCTION_URL
    logger_name = "mash_sdk.http"
    log_env_var = "MASH_LOG"
    env_vars = (
        EnvVar("MASH_USERNAME", "username", "the API username"),
        EnvVar("MASH_PASSWORD", "password", "the API password"),
        EnvVar("MASH_BASE_URL", "base_url", "the API base URL", default=PRODUCTION_URL),
        EnvVar("MASH_ALLOW_INSECURE", "allow_insecure", "1 to allow http:// to a loopback simulator", default=""),
        EnvVar("MASH_CA_FILE", "verify", "a PEM CA file to trust (a test environment's CA)", default=""),
    )

    def error_for(self, response: httpx.Response) -> MashError:
        return error_for(response)

    def api_error_in_success(self, response: httpx.Response) -> MashError | None:
        """A 2xx whose body carries an `errorCode` is an error: the Mash error table has no status column,
        and its errors are documented as `{errorCode, message, localizedMessage}` bodies, whatever the status."""
        if b"errorCode" not in response.content:
            return None
        try:
            body = response.json()
        except (ValueError, RecursionError):  # not JSON, or nested deeper than the parser goes
            return None
        if isinstance(body, dict) and isinstance(body.get("errorCode"), int):
            return error_for(response)
        return None
