"""Each SDK package's `__all__` is exactly its public names (as httpx pins its own)."""

from __future__ import annotations

import types

import pytest

import mash_sdk
import mycashflow_sdk
import sdk_runtime


@pytest.mark.parametrize("package", [sdk_runtime, mash_sdk, mycashflow_sdk], ids=lambda package: package.__name__)
def test_all_lists_every_public_name_once(package: types.ModuleType) -> None:
    public = {name for name, value in vars(package).items() if not name.startswith("_")}
    public -= {name for name, value in vars(package).items() if isinstance(value, types.ModuleType)}
    assert sorted(package.__all__) == sorted(public)
    assert len(set(package.__all__)) == len(package.__all__)
