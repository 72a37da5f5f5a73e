"""What every API's SDK client shares: construction, retries, errors and secret hygiene, written once."""

from ._client import DEFAULT_TIMEOUT, BaseClient
from ._decoding import STRICT_ENV_VAR, DeviationError, decode_log, strict_from_env
from ._env import EnvVar, read_env
from ._errors import APIError, ConfigurationError
from ._retry import RetryPolicy, RetryTransport
from ._url import check_base_url

__all__ = [
    "DEFAULT_TIMEOUT",
    "STRICT_ENV_VAR",
    "APIError",
    "BaseClient",
    "ConfigurationError",
    "DeviationError",
    "EnvVar",
    "RetryPolicy",
    "RetryTransport",
    "check_base_url",
    "decode_log",
    "read_env",
    "strict_from_env",
]
