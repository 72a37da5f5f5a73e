"""Formal validity of Finnish HETUs and Swedish personnummer, and the masked form responses show."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

__all__ = ["Identity", "hetu_check", "parse_identity"]

_HETU = re.compile(r"([0-9]{2})([0-9]{2})([0-9]{2})([-+ABCDEFUVWXY])([0-9]{3})([0-9A-Y])")
_HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
_HETU_CENTURY = {"+": 1800, "-": 1900, "U": 1900, "V": 1900, "W": 1900, "X": 1900, "Y": 1900}
_PNR = re.compile(r"([0-9]{2})?([0-9]{2})([0-9]{2})([0-9]{2})([-+]?)([0-9]{3})([0-9])")


def hetu_check(digits: str) -> str:
    """A HETU's check character: its nine digits (date, then individual number) as a number, mod 31."""
    return _HETU_CHECK[int(digits) % 31]


@dataclass(frozen=True)
class Identity:
    """A formally valid person id; `individual_number` (the 3-digit serial) drives the test decisions."""

    country: str  # "FI" or "SE"
    canonical: str  # HETU upper-case; personnummer as 12 digits YYYYMMDDNNNC
    birth_date: date
    individual_number: int
    masked: str  # as sent, with the last four characters replaced by "*" (doc: 010771-257W → 010771-****)


def parse_identity(text: str, today: date | None = None) -> Identity | None:
    """A HETU (date, century sign, individual number, check character) or a personnummer (Luhn); else None.

    An id that is formally valid in both systems (a HETU whose check character is a digit) is read as a HETU.
    """
    value = text.strip().upper()
    return _hetu(value) or _personnummer(value, today or date.today())


def _hetu(value: str) -> Identity | None:
    match = _HETU.fullmatch(value)
    if match is None:
        return None
    day, month, year, sign, serial, check = match.groups()
    if hetu_check(day + month + year + serial) != check or int(serial) < 2:  # 000, 001 are unused
        return None
    born = _date(_HETU_CENTURY.get(sign, 2000) + int(year), int(month), int(day))
    if born is None:
        return None
    return Identity("FI", value, born, int(serial), value[:-4] + "****")


def _personnummer(value: str, today: date) -> Identity | None:
    match = _PNR.fullmatch(value)
    if match is None:
        return None
    century, year, month, day, separator, serial, check = match.groups()
    ten = year + month + day + serial + check
    if not _luhn_ok(ten):
        return None
    if century is None:  # YYMMDD: the latest century not in the future; "+" marks a person aged 100 or more
        full_year = 2000 + int(year) if 2000 + int(year) <= today.year else 1900 + int(year)
        full_year -= 100 if separator == "+" else 0
    else:
        full_year = int(century + year)
    # Coordination numbers (samordningsnummer) add 60 to the day.
    born = _date(full_year, int(month), int(day) - 60 if int(day) > 60 else int(day))
    if born is None:
        return None
    return Identity("SE", f"{full_year:04d}{month}{day}{serial}{check}", born, int(serial), value[:-4] + "****")


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, char in enumerate(digits):
        d = int(char) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
