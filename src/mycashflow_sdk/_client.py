"""`MyCashflow`: one store's MyCashflow API client, for the functions in `mycashflow_client.api`."""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from sdk_runtime import (
    DEFAULT_DEADLINE,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_TIMEOUT,
    BaseClient,
    ConfigurationError,
    EnvVar,
    RetryPolicy,
    Verify,
)
from strict_url import is_dns_label

from ._errors import MyCashflowError, error_for

__all__ = ["API_VERSIONS", "STORE_URL", "MyCashflow", "store_url"]

STORE_URL = "https://{store}.mycashflow.fi/api/v1"
"""The `servers` URL of generated/mycashflow/openapi.yaml (a test keeps them equal)."""
# v1 for everything; v0 for the order API public integrations use (generated/mycashflow_v0, `mycashflow_v0_client`).
API_VERSIONS = ("v1", "v0")


def store_url(store: str, version: str = "v1") -> str:
    """The API base URL of a store, from its name (the API answers only on the default domain)."""
    if not is_dns_label(store):  # the first label of STORENAME.mycashflow.fi
        raise ConfigurationError(f"not a MyCashflow store name (the STORENAME of STORENAME.mycashflow.fi): {store!r}")
    if version not in API_VERSIONS:
        raise ConfigurationError(f"MyCashflow API version must be one of {', '.join(API_VERSIONS)}, not {version!r}")
    return STORE_URL.format(store=store.lower()).removesuffix("/v1") + "/" + version


class MyCashflow(BaseClient):
    """MyCashflow API v1 of one store over HTTP Basic; pass it as `client=` to `mycashflow_client.api` functions.

    `MyCashflow("mystore", username=..., api_key=...)`, or `base_url=` instead of the store name;
    `version="v0"` addresses the v0 order API (for `mycashflow_v0_client.api`).
    `sync`/`asyncio` calls return the typed body or raise a `MyCashflowError` family; GETs are retried.
    """

    logger_name = "mycashflow_sdk.http"
    log_env_var = "MYCASHFLOW_LOG"
    env_vars = (
        EnvVar("MYCASHFLOW_STORE", "store", "the store name in STORENAME.mycashflow.fi", default=""),
        EnvVar("MYCASHFLOW_BASE_URL", "base_url", "a base URL instead of the store name", default=""),
        EnvVar("MYCASHFLOW_USERNAME", "username", "the API user's username"),
        EnvVar("MYCASHFLOW_API_KEY", "api_key", "the API user's API key"),
        EnvVar("MYCASHFLOW_ALLOW_INSECURE", "allow_insecure", "1 to allow http:// to a loopback simulator", default=""),
        EnvVar("MYCASHFLOW_CA_FILE", "verify", "a PEM CA file to trust, e.g. the simulator's test CA", default=""),
    )

    def __init__(
        self,
        store: str | None = None,
        *,
        username: str,
        api_key: str,
        base_url: str | None = None,
        version: str = "v1",
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        allow_insecure: bool = False,
        transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None = None,
        headers: Mapping[str, str] | None = None,
        verify: Verify = True,
        deadline: float | None = DEFAULT_DEADLINE,
        max_response_bytes: int | None = DEFAULT_MAX_RESPONSE_BYTES,
        strict: bool | None = None,
    ) -> None:
        if store and base_url:
            raise ConfigurationError("MyCashflow takes a store name or a base URL, not both")
        if not store and not base_url:
            raise ConfigurationError(
                "MyCashflow needs a store name (store=, or MYCASHFLOW_STORE)"
                " or a base URL (base_url=, or MYCASHFLOW_BASE_URL)"
            )
        super().__init__(
            base_url=store_url(store, version) if store else base_url,
            username=username,
            password=api_key,
            timeout=timeout,
            retry=retry,
            allow_insecure=allow_insecure,
            transport=transport,
            headers=headers,
            verify=verify,
            deadline=deadline,
            max_response_bytes=max_response_bytes,
            strict=strict,
        )

    def error_for(self, response: httpx.Response) -> MyCashflowError:
        return error_for(response)
