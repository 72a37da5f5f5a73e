"""Names and official addresses of test identities: deterministic, so tests and demos can rely on them."""

from __future__ import annotations

import zlib
from typing import Any

from .identities import Identity

__all__ = ["official_address", "person_name"]

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
