"""Reading a client's settings from environment variables, naming every one that is missing."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ._errors import ConfigurationError

__all__ = ["EnvVar", "read_env"]


@dataclass(frozen=True)
class EnvVar:
    """One documented variable: the constructor argument it fills, and its default (None: required)."""

    name: str
    argument: str
    description: str
    default: str | None = None


def read_env(variables: Sequence[EnvVar], environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Constructor arguments from the environment; a ConfigurationError names every required one unset."""
    source = os.environ if environ is None else environ
    values: dict[str, str] = {}
    missing: list[EnvVar] = []
    for variable in variables:
        value = source.get(variable.name, "")
        if value:
            values[variable.argument] = value
        elif variable.default is None:
            missing.append(variable)
        else:
            values[variable.argument] = variable.default
    if missing:
        names = "; ".join(f"{variable.name} ({variable.description})" for variable in missing)
        raise ConfigurationError(f"missing environment variable{'s' if len(missing) > 1 else ''}: {names}")
    return values
