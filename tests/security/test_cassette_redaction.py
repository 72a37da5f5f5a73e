"""Cassettes keep no credential or personal data: the redaction trafficcheck applies before anything is written."""

from __future__ import annotations

import json

import pytest

from trafficcheck.redact import redact_body, redact_headers, redact_query, redact_text

PERSONAL = {
    "personId": "010771-123A",
    "customer": {
        "name": "Teppo Testaaja",
        "firstName": "Maria",
        "last_name": "Svensson",
        "email": "teppo.testaaja@mailinator.com",
        "mobile": "+358401111111",
        "ipAddress": "173.194.71.94",
        "address": "Pohjoinen Rautatiekatu 9",
    },
    "note": "call 040 123 4567 or mail maria@example.fi; SSN 19800101-0101 / 800101-0101",
    "rows": [{"phone": "09-1234567", "ssn": 1980001010101}],
}
SECRETS = ["010771-123A", "Teppo", "Maria", "Svensson", "mailinator", "401111111", "173.194.71.94", "Rautatiekatu",
           "123 4567", "maria@example.fi", "19800101-0101", "800101-0101", "1234567", "1980001010101"]  # fmt: skip


def test_personal_fields_and_personal_text_in_bodies_are_replaced_keeping_their_shape() -> None:
    redacted = redact_body(PERSONAL)
    text = json.dumps(redacted)
    assert [secret for secret in SECRETS if secret in text] == []
    assert redacted["customer"]["email"] == "redacted@example.invalid"
    assert redacted["customer"]["mobile"] == "+358000000000"
    assert redacted["personId"] == "010101-0101"
    assert isinstance(redacted["rows"][0]["ssn"], int)  # a number stays a number


def test_ids_that_only_look_like_numbers_are_kept() -> None:
    assert redact_body({"clientOrderId": "23423423423", "orderId": "1223435"}) == {
        "clientOrderId": "23423423423",
        "orderId": "1223435",
    }


@pytest.mark.parametrize(
    "name",
    [
        "Authorization",
        "Proxy-Authorization",
        "Cookie",
        "Set-Cookie",
        "X-Api-Key",
        "X-Auth-Token",
        "X-Secret",
        # Named by a vendor, not by a convention: a key, a session, an auth scheme of its own (issue 16, headers).
        "X-Partner-Key",
        "X-Session",
        "X-Shop-Auth",
        "X-Client-Credential",
    ],
)
def test_credential_headers_are_redacted(name: str) -> None:
    assert redact_headers([(name, "Basic c2VjcmV0OnBhc3N3b3Jk")]) == {name.lower(): "<redacted>"}


def test_query_values_with_personal_data_are_replaced() -> None:
    query = redact_query([("personId", "010771-123A"), ("email", "a@b.fi"), ("orderAmount", "100")])
    assert query == [["personId", "010101-0101"], ["email", "redacted@example.invalid"], ["orderAmount", "100"]]
    assert redact_text("/api/personinfo/010771-123A") == "/api/personinfo/010101-0101"


def test_a_body_field_named_like_a_key_word_is_kept() -> None:
    # Header names are judged more broadly than body keys: `keywords` in a product body is not a credential.
    assert redact_body({"keywords": "villasukat", "sortKey": "name"}) == {"keywords": "villasukat", "sortKey": "name"}
