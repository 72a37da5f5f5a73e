"""Names and official addresses of test identities: deterministic, so tests and demos can rely on them."""

from __future__ import annotations

import zlib
from typing import Any

from .identities import Identity

__all__ = ["documented_person", "official_address", "person_name"]

# Get person information, Example 1: the document's own lookup, GET /personinfo?personId=1980001010101, answered
# with this name and address. The id is not a formally valid HETU or personnummer (13 digits), so it cannot be
# derived like the test identities below; the simulator knows it by name so the example works as published.
_DOCUMENTED = {
    "1980001010101": (
        "Maria Svensson",
        {"address": "Pohjoinen Rautatiekatu 9", "zipCode": "12345", "city": "Helsinki", "country": "FI"},
    ),
}

_NAMES = {
    "FI": (("Teppo", "Maija", "Matti", "Liisa", "Ville", "Aino"), ("Testaaja", "Virtanen", "Korhonen", "Nieminen")),
    "SE": (("Maria", "Erik", "Anna", "Lars", "Karin", "Johan"), ("Svensson", "Andersson", "Johansson", "Nilsson")),
}
_STREETS = {
    "FI": ("Pohjoinen Rautatiekatu", "00100", "Helsinki"),
    "SE": ("Drottninggatan", "111 51", "Stockholm"),
}


def person_name(identity: Identity) -> str:
    first, last = _NAMES[identity.country]
    seed = zlib.crc32(identity.canonical.encode())
    return f"{first[seed % len(first)]} {last[(seed // len(first)) % len(last)]}"


def official_address(identity: Identity) -> dict[str, Any]:
    street, zip_code, city = _STREETS[identity.country]
    number = 1 + zlib.crc32(identity.canonical.encode()) % 40
    return {"address": f"{street} {number}", "zipCode": zip_code, "city": city, "country": identity.country}


def documented_person(person_id: str) -> tuple[str, dict[str, Any]] | None:
    """(name, official address) of a person the vendor's document looks up, if `person_id` is one."""
    found = _DOCUMENTED.get(person_id.strip())
    return None if found is None else (found[0], dict(found[1]))
