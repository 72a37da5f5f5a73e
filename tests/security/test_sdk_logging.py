"""Personal data in query strings (Mash's personId is an SSN) never reaches a log line the SDK can influence."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest
from mash_client.api.orders_and_invoicing import get_person_info
from starlette.testclient import TestClient

from mash_sdk import Mash
from sdk_runtime import RetryPolicy, redact_query_values
from simulators.mash import DEFAULT_MERCHANT, create_app

SSN = "010771-257W"


@pytest.fixture
def mash() -> Mash:
    app = create_app()
    client = TestClient(app)
    transport = httpx.MockTransport(client.send)
    return Mash(
        username=DEFAULT_MERCHANT.username,
        password=DEFAULT_MERCHANT.password,
        base_url="http://127.0.0.1/api",
        allow_insecure=True,
        transport=transport,
    )


def test_httpx_info_line_keeps_the_query_names_but_not_their_values(
    mash: Mash, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="httpx"), mash:
        person = get_person_info.sync(client=mash, person_id=SSN)
    assert person.person_id == "010771-****"
    lines = [record.getMessage() for record in caplog.records if record.name == "httpx"]
    assert lines, "httpx logged no request line: the test would prove nothing"
    assert all(SSN not in line and "010771" not in line for line in lines), lines
    assert any("personinfo?personId=<redacted>" in line for line in lines), lines


def test_async_calls_are_redacted_too(caplog: pytest.LogCaptureFixture) -> None:
    app = create_app()

    async def call() -> None:
        async with Mash(
            username=DEFAULT_MERCHANT.username,
            password=DEFAULT_MERCHANT.password,
            base_url="http://127.0.0.1/api",
            allow_insecure=True,
            transport=httpx.ASGITransport(app=app),
        ) as mash:
            await get_person_info.asyncio(client=mash, person_id=SSN)

    with caplog.at_level(logging.INFO, logger="httpx"):
        asyncio.run(call())
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "personId=<redacted>" in text
    assert SSN not in text


def test_retry_and_error_messages_carry_no_query(caplog: pytest.LogCaptureFixture) -> None:
    def unavailable(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, json={"errorCode": 10002, "message": "busy", "localizedMessage": "busy"})

    policy = RetryPolicy(max_retries=1, sleep=lambda seconds: None)
    with (
        caplog.at_level(logging.DEBUG),
        Mash(username="u", password="p", transport=httpx.MockTransport(unavailable), retry=policy) as mash,
        pytest.raises(Exception) as caught,
    ):
        get_person_info.sync(client=mash, person_id=SSN)
    text = "\n".join(record.getMessage() for record in caplog.records) + str(caught.value) + repr(caught.value)
    assert "personinfo" in text
    assert SSN not in text


def test_redaction_is_installed_once_and_covers_other_httpx_clients(caplog: pytest.LogCaptureFixture) -> None:
    Mash(username="u", password="p")
    Mash(username="u", password="p")
    filters = logging.getLogger("httpx").filters
    assert sum(type(f).__name__ == "RedactQueryFilter" for f in filters) == 1
    transport = httpx.MockTransport(lambda request: httpx.Response(204))
    with caplog.at_level(logging.INFO, logger="httpx"), httpx.Client(transport=transport) as plain:
        plain.get("https://example.test/search", params={"email": "teppo@example.fi", "q": "x"})
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "teppo" not in text
    assert "email=<redacted>&q=<redacted>" in text


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://x.test/a?personId=1&b=2#frag", "https://x.test/a?personId=<redacted>&b=<redacted>"),
        ("https://x.test/a", "https://x.test/a"),
        ("https://x.test/a?flag", "https://x.test/a?flag=<redacted>"),
        ("https://user:pw@x.test/a?k=v", "https://x.test/a?k=<redacted>"),
    ],
)
def test_redact_query_values(url: str, expected: str) -> None:
    assert redact_query_values(url) == expected
