"""What every API's SDK client shares: construction, retries, errors and secret hygiene, written once."""

from ._client import DEFAULT_TIMEOUT, BaseClient
from ._decoding import STRICT_ENV_VAR, DeviationError, decode_log, strict_from_env
from ._env import EnvVar, read_env
from ._errors import APIError, CallLimitError, ConfigurationError, DeadlineExceeded, ResponseTooLarge
from ._limits import DEFAULT_DEADLINE, DEFAULT_MAX_RESPONSE_BYTES, CallLimits
from ._logging import RedactQueryFilter, install_log_redaction, redact_query_values
from ._retry import RetryPolicy, RetryTransport
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
    "strict_from_env",
]


# Tracebacks and reprs name the public path (`sdk_runtime.X`, not `sdk_runtime._mod.X`), as httpx does; names
# re-exported from another package keep theirs.
for _name in __all__:
    _value = globals()[_name]
    if getattr(_value, "__module__", "").startswith("sdk_runtime."):
        _value.__module__ = "sdk_runtime"
del _name, _value
