"""Formal validity of HETU and personnummer, masking, and the documented test-identity rule."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from simulators.mash.identities import parse_identity
from simulators.mash.scoring import Decision, decide, decide_after_authentication

from ._orders import hetu, personnummer


def test_the_docs_example_hetu_is_valid_and_masked_as_the_doc_shows() -> None:
    identity = parse_identity("010771-257W")
    assert identity is not None
    assert (identity.country, identity.birth_date, identity.individual_number) == ("FI", date(1971, 7, 1), 257)
    assert identity.masked == "010771-****"


@pytest.mark.parametrize(
    ("value", "born"),
    [
        (hetu(123, "010199", "A"), date(2099, 1, 1)),
        (hetu(123, "311299", "+"), date(1899, 12, 31)),
        (hetu(123, "150585", "Y"), date(1985, 5, 15)),
        (hetu(123, "150505", "B"), date(2005, 5, 15)),
    ],
)
def test_every_century_sign_is_read(value: str, born: date) -> None:
    identity = parse_identity(value)
    assert identity is not None and identity.birth_date == born


@pytest.mark.parametrize(
    "value",
    ["010771-257X", "310271-257W", "010771-001X", "010771*257W", "010771-257", "", "1980001010101"],
    ids=["check-char", "no-such-date", "serial-001", "century-sign", "short", "empty", "doc-personinfo-example"],
)
def test_formally_invalid_ids_are_rejected(value: str) -> None:
    assert parse_identity(value) is None


def test_a_personnummer_is_checked_with_luhn_in_every_form() -> None:
    ten = personnummer(123)  # 800101-123C
    assert parse_identity(ten) is not None
    assert parse_identity(ten.replace("-", "")) is not None
    twelve = parse_identity("19" + ten)
    assert twelve is not None and twelve.canonical == "19" + ten.replace("-", "")
    assert twelve.masked == "19800101-****"
    wrong = ten[:-1] + str((int(ten[-1]) + 1) % 10)
    assert parse_identity(wrong) is None


def test_a_plus_sign_makes_a_personnummer_a_century_older() -> None:
    identity = parse_identity(personnummer(123).replace("-", "+"), today=date(2026, 1, 1))
    assert identity is not None and identity.birth_date == date(1880, 1, 1)


def test_coordination_numbers_add_sixty_to_the_day() -> None:
    identity = parse_identity(personnummer(123, birth="800161"))
    assert identity is not None and identity.birth_date == date(1980, 1, 1)


@pytest.mark.parametrize(
    ("serial", "decision"),
    [
        (2, Decision.APPROVED),
        (199, Decision.APPROVED),
        (200, Decision.PENDING),
        (299, Decision.PENDING),
        (300, Decision.DENIED),
        (450, Decision.APPROVED),
        (500, Decision.APPROVED),
        (899, Decision.APPROVED),
        (900, Decision.SCORING_FAILED),
    ],
)
def test_the_hundreds_digit_of_the_individual_number_decides(serial: int, decision: Decision) -> None:
    for value in (hetu(serial), personnummer(serial)):
        identity = parse_identity(value)
        assert identity is not None
        assert decide(identity, Decimal("100.00")) is decision


def test_the_4xx_band_has_a_credit_limit_of_500() -> None:
    identity = parse_identity(hetu(456))
    assert identity is not None
    assert decide(identity, Decimal("500.00")) is Decision.APPROVED
    assert decide(identity, Decimal("500.01")) is Decision.CREDIT_LIMIT


def test_bank_authentication_approves_pending_people_only() -> None:
    pending, denied = parse_identity(hetu(257)), parse_identity(hetu(345))
    assert pending is not None and denied is not None
    assert decide_after_authentication(pending, Decimal(10)) is Decision.APPROVED
    assert decide_after_authentication(denied, Decimal(10)) is Decision.DENIED
