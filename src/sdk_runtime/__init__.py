"""What every API's SDK client shares: construction, retries, errors and secret hygiene, written once."""

from ._client import DEFAULT_TIMEOUT, BaseClient
from ._env import EnvVar, read_env
from ._errors import APIError, CallLimitError, ConfigurationError, DeadlineExceeded, ResponseTooLarge
from ._limits import DEFAULT_DEADLINE, DEFAULT_MAX_RESPONSE_BYTES, CallLimits
from ._logging import RedactQueryFilter, install_log_redaction, redact_url
from ._retry import RetryPolicy, RetryTransport
from ._url import check_base_url

__all__ = [
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_TIMEOUT",
    "APIError",
    "BaseClient",
    "CallLimitError",
    "CallLimits",
    "ConfigurationError",
    "DeadlineExceeded",
    "EnvVar",
    "RedactQueryFilter",
    "ResponseTooLarge",
    "RetryPolicy",
    "RetryTransport",
    "check_base_url",
    "install_log_redaction",
    "read_env",
    "redact_url",
]
