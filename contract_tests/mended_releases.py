"""The one release of each library our mends were written against (object_strategies, auth_probes,
deferred_examples, validated_once): each replaces or wraps code of that release, so any other release is refused
until someone compares the code named in the refusal and updates or drops the mend."""

from __future__ import annotations

import importlib

__all__ = ["MENDED", "require"]

MENDED = {"schemathesis": "4.32.5", "hypothesis": "6.170.17"}  # the pins in pyproject.toml


def require(package: str, mend: str, does: str, check: str) -> None:
    """Refuse `mend` (its file in contract_tests/) on any release of `package` but MENDED's: it `does` something to
    that release's code; `check` says what to compare in another one."""
    expected = MENDED[package]
    installed = importlib.import_module(package).__version__
    if installed != expected:
        raise RuntimeError(
            f"contract_tests/{mend} {does} of {package} {expected}, found {installed}: {check}, then update or drop it"
        )
