"""Acknowledged changes: a committed list of (API, rule, location, reason) that must not fail a review."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .. import _yaml
from ..errors import SpecforgeError

__all__ = ["ACK_FILE", "Acknowledgement", "load_acknowledgements"]

ACK_FILE = Path("review/acknowledged.yaml")
_RULE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_FIELDS = ("api", "rule", "location", "reason")


@dataclass(frozen=True)
class Acknowledgement:
    """One accepted change; `location` is the report's location text, `*` and `?` allowed."""

    index: int
    api: str
    rule: str
    location: str
    reason: str

    def matches(self, api: str, rule: str, location: str) -> bool:
        return self.api == api and self.rule == rule and _glob(self.location).fullmatch(location) is not None

    @property
    def label(self) -> str:
        return f"{ACK_FILE.as_posix()}: acknowledged[{self.index}] ({self.api} {self.rule} {self.location})"


def _glob(pattern: str) -> re.Pattern[str]:
    # Not fnmatch: locations contain literal brackets (`response[200]`), so only * and ? are wildcards.
    return re.compile(re.escape(pattern).replace(r"\*", ".*").replace(r"\?", "."))


def load_acknowledgements(root: Path, known_apis: set[str]) -> list[Acknowledgement]:
    """Read and check the file (absent means none); a malformed entry is bad input."""
    path = root / ACK_FILE
    if not path.is_file():
        return []
    data = _yaml.load(path)
    entries = data.get("acknowledged") if isinstance(data, dict) else None
    if entries is None:
        entries = []
    if not isinstance(entries, list):
        raise SpecforgeError(ACK_FILE, "expected a list `acknowledged:`", location="acknowledged")
    acks: list[Acknowledgement] = []
    for index, entry in enumerate(entries):
        where = f"acknowledged[{index}]"
        if not isinstance(entry, dict):
            raise SpecforgeError(ACK_FILE, "an acknowledgement must be a mapping", location=where)
        missing = [key for key in _FIELDS if not str(entry.get(key) or "").strip()]
        if missing:
            raise SpecforgeError(
                ACK_FILE,
                f"missing {', '.join(missing)}",
                location=where,
                hint="each entry names api, rule, location (as printed by the review) and the reason",
            )
        if entry["api"] not in known_apis:
            raise SpecforgeError(ACK_FILE, f"unknown API {entry['api']!r}", location=where)
        if not _RULE_ID.match(str(entry["rule"])):
            raise SpecforgeError(ACK_FILE, f"{entry['rule']!r} is not a rule id", location=where)
        acks.append(Acknowledgement(index, *(str(entry[key]).strip() for key in _FIELDS)))
    return acks
