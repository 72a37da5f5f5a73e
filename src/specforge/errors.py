"""The one error type the pipeline raises: it names the file, the place in it, and what to do."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["SpecforgeError"]


@dataclass
class SpecforgeError(Exception):
    """A user-facing failure; rendered once, by the CLI, without a traceback."""

    path: Path | str
    message: str
    location: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}: {self.location}" if self.location else f"{self.path}"
        text = f"{where}: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text
