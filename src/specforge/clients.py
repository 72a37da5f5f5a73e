"""Finding things in a generated client and the objects the registry's bindings name, for tests and tools.

openapi-python-client writes one module per operation, `<package>.api.<tag>.<snake_case operationId>`,
each with `sync`, `sync_detailed`, `asyncio` and `asyncio_detailed`.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
import re
from types import ModuleType
from typing import Any

__all__ = ["load_object", "operation_module", "operation_modules", "snake_case"]


def snake_case(operation_id: str) -> str:
    """The generator's module name for an operationId (`getOrder` → `get_order`)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", operation_id).lower()


@functools.cache
def operation_modules(package: str) -> dict[str, ModuleType]:
    """Every operation module of a generated package, by module name (the snake-case operationId)."""
    api = importlib.import_module(f"{package}.api")
    modules: dict[str, ModuleType] = {}
    for info in pkgutil.walk_packages(api.__path__, f"{package}.api."):
        module = importlib.import_module(info.name)
        if hasattr(module, "sync_detailed"):
            modules[info.name.rsplit(".", 1)[1]] = module
    return modules


def operation_module(package: str, operation_id: str) -> ModuleType:
    """The module of one operation; a KeyError names an operationId the package does not have."""
    return operation_modules(package)[snake_case(operation_id)]


def load_object(reference: str) -> Any:
    """What a `module:name` reference in codegen/apis.yaml names (e.g. `mash_sdk:Mash`), imported now."""
    module, _, name = reference.partition(":")
    if not name:
        raise ValueError(f"{reference!r}: expected module:name")
    return getattr(importlib.import_module(module), name)
