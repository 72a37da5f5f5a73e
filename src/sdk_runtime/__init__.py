"""What every API's SDK client shares: construction, retries, errors and secret hygiene, written once."""

from ._client import DEFAULT_TIMEOUT, BaseClient
from ._decoding import STRICT_ENV_VAR, DeviationError, decode_log, strict_from_env
from ._env import EnvVar, read_env
from ._errors import APIError, CallLimitError, ConfigurationError, DeadlineExceeded, ResponseTooLarge
from ._limits import DEFAULT_DEADLINE, DEFAULT_MAX_RESPONSE_BYTES, CallLimits
from ._logging import RedactQueryFilter, install_log_redaction, redact_query_values
from ._public import publish_names as _publish_names
from ._retry import RetryPolicy, RetryTransport, retry_after_seconds
from ._tls import Verify
from ._url import InsecureURLError, Origin, check_base_url, parse_origin, redact_url

__all__ = [
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_TIMEOUT",
    "STRICT_ENV_VAR",
    "APIError",
    "BaseClient",
    "CallLimitError",
    "CallLimits",
    "ConfigurationError",
    "DeadlineExceeded",
    "DeviationError",
    "EnvVar",
    "InsecureURLError",
    "Origin",
    "RedactQueryFilter",
    "ResponseTooLarge",
    "RetryPolicy",
    "RetryTransport",
    "Verify",
    "check_base_url",
    "decode_log",
    "install_log_redaction",
    "parse_origin",
    "read_env",
    "redact_query_values",
    "redact_url",
    "retry_after_seconds",
    "strict_from_env",
]


_publish_names(__name__, globals(), __all__)
