"""Target selection: in-process by default; sandboxes only with their variables, never production unforced."""

from __future__ import annotations

import ssl
from contextlib import ExitStack

import httpx
import pytest

from .targets import API_TARGETS, NotSelected, Target, TargetError, resolve

MASH = API_TARGETS["mash"]
MCF = API_TARGETS["mycashflow"]
MASH_SANDBOX = {
    "CONTRACT_TARGET": "sandbox",
    "MASH_BASE_URL": "https://test.example.com/api",
    "MASH_USERNAME": "u",
    "MASH_PASSWORD": "sandbox-secret",
}
MCF_SANDBOX = {
    "CONTRACT_TARGET": "sandbox",
    "MYCASHFLOW_STORE": "teststore",
    "MYCASHFLOW_USERNAME": "api@example.com",
    "MYCASHFLOW_API_KEY": "k" * 40,
}


def test_in_process_is_the_default() -> None:
    target = resolve(MASH, {})
    assert isinstance(target, Target) and target.kind == "in-process" and target.app is not None


def test_a_sandbox_without_its_variables_is_not_selected_and_says_which() -> None:
    target = resolve(MASH, {"CONTRACT_TARGET": "sandbox", "MASH_USERNAME": "u"})
    assert isinstance(target, NotSelected)
    assert "MASH_BASE_URL" in target.reason and "MASH_PASSWORD" in target.reason


def test_the_password_never_shows_in_a_target_repr() -> None:
    target = resolve(MASH, MASH_SANDBOX)
    assert isinstance(target, Target) and target.kind == "sandbox"
    assert "sandbox-secret" not in repr(target) and "sandbox-secret" not in target.label


@pytest.mark.parametrize("host", ["fi.mash.com", "FI.MASH.COM", "api.mash.com"])
def test_mash_production_is_refused(host: str) -> None:
    with pytest.raises(TargetError, match="production"):
        resolve(MASH, {**MASH_SANDBOX, "MASH_BASE_URL": f"https://{host}/api"})


def test_mash_production_can_be_forced_or_a_test_host_allowed() -> None:
    forced = resolve(
        MASH, {**MASH_SANDBOX, "MASH_BASE_URL": "https://fi.mash.com/api", "CONTRACT_ALLOW_PRODUCTION": "1"}
    )
    allowed = resolve(
        MASH,
        {**MASH_SANDBOX, "MASH_BASE_URL": "https://test.mash.com/api", "CONTRACT_MASH_TEST_HOSTS": "test.mash.com"},
    )
    assert isinstance(forced, Target) and isinstance(allowed, Target)


def test_a_real_store_is_refused_unless_named_as_a_test_store() -> None:
    with pytest.raises(TargetError, match="production"):
        resolve(MCF, MCF_SANDBOX)
    target = resolve(MCF, {**MCF_SANDBOX, "CONTRACT_MYCASHFLOW_TEST_STORES": "teststore"})
    assert isinstance(target, Target) and target.base_url == "https://teststore.mycashflow.fi/api/v1"


def test_a_store_is_read_only_unless_writes_are_allowed() -> None:
    env = {**MCF_SANDBOX, "CONTRACT_MYCASHFLOW_TEST_STORES": "teststore"}
    read_only, writable = resolve(MCF, env), resolve(MCF, {**env, "CONTRACT_ALLOW_WRITES": "1"})
    assert isinstance(read_only, Target) and read_only.read_only
    assert isinstance(writable, Target) and not writable.read_only


def test_a_plain_http_sandbox_is_refused() -> None:
    with pytest.raises(TargetError, match="HTTPS"):
        resolve(MASH, {**MASH_SANDBOX, "MASH_BASE_URL": "http://test.example.com/api"})


def test_an_unknown_target_kind_is_refused() -> None:
    with pytest.raises(TargetError, match="expected one of"):
        resolve(MASH, {"CONTRACT_TARGET": "staging"})


def test_the_http_target_is_a_local_simulator_only() -> None:
    with pytest.raises(TargetError, match="local simulator"):
        resolve(MASH, {"CONTRACT_TARGET": "http", "CONTRACT_MASH_URL": "http://203.0.113.5:8080/api"})


@pytest.mark.parametrize("api", sorted(API_TARGETS))
def test_the_http_target_starts_a_simulator_when_no_url_is_given(api: str) -> None:
    with ExitStack() as stack:
        target = resolve(API_TARGETS[api], {"CONTRACT_TARGET": "http"}, stack)
        assert isinstance(target, Target) and target.base_url.startswith(("http://127.0.0.1:", "https://127.0.0.1:"))
        verify = ssl.create_default_context(cafile=target.verify) if isinstance(target.verify, str) else target.verify
        response = httpx.get(target.base_url + "/nothing-here", verify=verify, auth=("x", "y"))
        assert response.status_code in (401, 404)
