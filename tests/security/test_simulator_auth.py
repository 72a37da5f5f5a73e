"""Simulator authentication: cached credentials die with the key, and strangers learn nothing about paths."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator

import pytest
from starlette.testclient import TestClient

from simulators.mash import DEFAULT_MERCHANT
from simulators.mash import create_app as mash_app
from simulators.mycashflow import create_app as mycashflow_app

JSON = {"Accept": "application/json"}
PING = "/api/pricing?merchantId={id}"


def basic(username: str, password: str, scheme: str = "Basic") -> str:
    return f"{scheme} " + base64.b64encode(f"{username}:{password}".encode()).decode()


@pytest.fixture
def mash() -> Iterator[TestClient]:
    with TestClient(mash_app(control=True), base_url="http://mash.test") as client:
        yield client


def _pricing(client: TestClient, authorization: str, merchant_id: int = DEFAULT_MERCHANT.merchant_id) -> int:
    headers = {**JSON, "Authorization": authorization}
    status: int = client.get(PING.format(id=merchant_id), headers=headers).status_code
    return status


# Spellings of the same credentials that RFC 9110 §11.1 (case-insensitive scheme) and base64 padding allow.
VARIANTS: list[Callable[[str, str], str]] = [
    basic,
    lambda u, p: basic(u, p, "basic"),
    lambda u, p: basic(u, p, "BASIC"),
    lambda u, p: basic(u, p).replace(" ", "  ", 1),
    lambda u, p: basic(u, p) + " ",
]


@pytest.mark.parametrize("spell", VARIANTS, ids=["canonical", "lower", "upper", "two-spaces", "trailing-space"])
def test_mash_seed_rotating_a_password_revokes_every_spelling_of_the_old_header(
    mash: TestClient, spell: Callable[[str, str], str]
) -> None:
    old = spell(DEFAULT_MERCHANT.username, DEFAULT_MERCHANT.password)
    assert _pricing(mash, old) == 200  # cached now
    seed = {"merchants": [{"merchantId": DEFAULT_MERCHANT.merchant_id, "username": DEFAULT_MERCHANT.username,
                           "password": "rotated-password"}]}  # fmt: skip
    assert mash.post("/_sim/seed", json=seed).status_code == 200
    assert _pricing(mash, old) == 401
    assert _pricing(mash, spell(DEFAULT_MERCHANT.username, "rotated-password")) == 200


def test_mash_every_cached_spelling_dies_with_the_key(mash: TestClient) -> None:
    """Several spellings cached at once: all of them go when the password changes."""
    spellings = [spell(DEFAULT_MERCHANT.username, DEFAULT_MERCHANT.password) for spell in VARIANTS]
    assert [_pricing(mash, header) for header in spellings] == [200] * len(spellings)
    seed = {"merchants": [{"merchantId": DEFAULT_MERCHANT.merchant_id, "username": DEFAULT_MERCHANT.username,
                           "password": "second"}]}  # fmt: skip
    assert mash.post("/_sim/seed", json=seed).status_code == 200
    assert [_pricing(mash, header) for header in spellings] == [401] * len(spellings)


def test_mash_reset_forgets_seeded_keys_in_any_spelling(mash: TestClient) -> None:
    seed = {"merchants": [{"merchantId": 777, "username": "seeded", "password": "pw"}]}
    assert mash.post("/_sim/seed", json=seed).status_code == 200
    header = basic("seeded", "pw", "bAsIc")
    assert _pricing(mash, header, 777) == 200
    assert mash.post("/_sim/reset").status_code == 200
    assert _pricing(mash, header, 777) == 401


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/no-such-resource"),
        ("DELETE", "/api/orders"),  # a known path, another method: 405 with Allow if authenticated
        ("PUT", "/api/pricing"),
        ("GET", "/api/orders/1/../../x"),
    ],
)
def test_mash_unknown_paths_and_methods_answer_401_before_revealing_the_api(
    mash: TestClient, method: str, path: str
) -> None:
    anonymous = mash.request(method, path, headers=JSON)
    wrong = mash.request(method, path, headers={**JSON, "Authorization": basic("nobody", "nothing")})
    for response in (anonymous, wrong):
        assert response.status_code == 401, response.text
        assert "allow" not in response.headers
        assert response.json()["errorCode"] == 10000
    authenticated = mash.request(
        method, path, headers=JSON, auth=(DEFAULT_MERCHANT.username, DEFAULT_MERCHANT.password)
    )
    assert authenticated.status_code in (404, 405)


def test_mycashflow_unknown_paths_answer_401_first_too() -> None:
    """The reference behaviour the Mash simulator now follows (StoreGate checks credentials first)."""
    with TestClient(mycashflow_app(), base_url="https://example-store.mycashflow.fi") as client:
        assert client.get("/api/v1/no-such-resource", headers=JSON).status_code == 401
        assert client.request("PUT", "/api/v1/products", headers=JSON).status_code == 401
