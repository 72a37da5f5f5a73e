"""Record ids from request text: ASCII digits only, and few enough of them to be an id at all."""

from __future__ import annotations

import re

__all__ = ["MAX_ID_DIGITS", "parse_id"]

MAX_ID_DIGITS = 18  # every id below 10**18 fits a signed 64-bit integer, as in JSON clients' int64
_ID = re.compile(f"[0-9]{{1,{MAX_ID_DIGITS}}}")


def parse_id(text: str) -> int | None:
    """The id `text` spells, or None. Not str.isdigit(): it accepts "²" (int() refuses) and any length
    (int() refuses more than 4,300 digits), so either would turn a request into a 500."""
    return int(text) if _ID.fullmatch(text) else None
