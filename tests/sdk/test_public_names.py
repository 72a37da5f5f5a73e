"""Tracebacks and reprs show the public import path (`mash_sdk.DuplicateOrderError`), as httpx does."""

from __future__ import annotations

import types

import pytest

import mash_sdk
import mycashflow_sdk
import sdk_runtime


@pytest.mark.parametrize("package", [sdk_runtime, mash_sdk, mycashflow_sdk], ids=lambda package: package.__name__)
def test_every_class_a_package_defines_names_the_package_as_its_module(package: types.ModuleType) -> None:
    own = [
        getattr(package, name)
        for name in package.__all__
        if isinstance(getattr(package, name), type) and getattr(package, name).__module__.startswith(package.__name__)
    ]
    assert own, f"{package.__name__} exports no classes of its own"
    assert {cls.__qualname__: cls.__module__ for cls in own} == {cls.__qualname__: package.__name__ for cls in own}


def test_a_reexported_class_keeps_the_package_that_defines_it() -> None:
    assert mash_sdk.RetryPolicy.__module__ == "sdk_runtime"
    assert mash_sdk.ConfigurationError.__module__ == "sdk_runtime"


def test_the_traceback_line_names_the_public_path() -> None:
    assert f"{mash_sdk.DuplicateOrderError.__module__}.{mash_sdk.DuplicateOrderError.__qualname__}" == (
        "mash_sdk.DuplicateOrderError"
    )
