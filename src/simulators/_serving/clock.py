"""A simulated clock: real time plus an offset that tests and the control endpoint can advance."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

__all__ = ["SimClock"]


class SimClock:
    """Only moves forward: expiry rules are judged against it, never against the wall clock directly."""

    def __init__(self) -> None:
        self._offset = 0.0

    def now(self) -> datetime:
        return datetime.fromtimestamp(time.time() + self._offset, tz=UTC)

    def advance(self, delta: timedelta) -> datetime:
        if delta < timedelta(0):
            raise ValueError("the simulated clock cannot go back")
        self._offset += delta.total_seconds()
        return self.now()

    def reset(self) -> None:
        self._offset = 0.0
