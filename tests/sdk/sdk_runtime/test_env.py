"""from_env: the documented variables, and errors that name every missing one."""

from __future__ import annotations

import pytest

from mash_sdk import PRODUCTION_URL, Mash
from mycashflow_sdk import MyCashflow
from sdk_runtime import ConfigurationError, EnvVar, read_env


def test_mash_reads_its_variables_and_defaults_to_production() -> None:
    client = Mash.from_env({"MASH_USERNAME": "u", "MASH_PASSWORD": "p"})
    assert client.base_url == PRODUCTION_URL


def test_mash_base_url_and_the_insecure_flag_come_from_the_environment() -> None:
    environ = {
        "MASH_USERNAME": "u",
        "MASH_PASSWORD": "p",
        "MASH_BASE_URL": "http://127.0.0.1:8080/",
        "MASH_ALLOW_INSECURE": "1",
    }
    assert Mash.from_env(environ).base_url == "http://127.0.0.1:8080"
    with pytest.raises(ConfigurationError, match="not HTTPS"):
        Mash.from_env({**environ, "MASH_ALLOW_INSECURE": "0"})


def test_every_missing_variable_is_named() -> None:
    with pytest.raises(ConfigurationError) as raised:
        Mash.from_env({"MASH_USERNAME": "u"})
    assert str(raised.value) == "missing environment variable: MASH_PASSWORD (the API password)"
    with pytest.raises(ConfigurationError) as raised:
        MyCashflow.from_env({"MYCASHFLOW_STORE": "shop"})
    assert "MYCASHFLOW_USERNAME" in str(raised.value) and "MYCASHFLOW_API_KEY" in str(raised.value)


def test_mycashflow_builds_the_store_url_or_takes_a_base_url() -> None:
    environ = {"MYCASHFLOW_USERNAME": "u", "MYCASHFLOW_API_KEY": "k"}
    assert MyCashflow.from_env({**environ, "MYCASHFLOW_STORE": "Shop-1"}).base_url == (
        "https://shop-1.mycashflow.fi/api/v1"
    )
    assert MyCashflow.from_env({**environ, "MYCASHFLOW_BASE_URL": "https://x.test/api/v1/"}).base_url == (
        "https://x.test/api/v1"
    )


def test_mycashflow_without_a_store_or_base_url_names_both_variables() -> None:
    with pytest.raises(ConfigurationError, match=r"MYCASHFLOW_STORE.*MYCASHFLOW_BASE_URL"):
        MyCashflow.from_env({"MYCASHFLOW_USERNAME": "u", "MYCASHFLOW_API_KEY": "k"})


@pytest.mark.parametrize("store", ["my shop", "shop.evil.com", "-shop", "shop/../x", ""])
def test_a_store_name_must_be_a_dns_label(store: str) -> None:
    with pytest.raises(ConfigurationError):
        MyCashflow(store, username="u", api_key="k")


def test_a_store_and_a_base_url_together_are_refused() -> None:
    with pytest.raises(ConfigurationError, match="not both"):
        MyCashflow("shop", username="u", api_key="k", base_url="https://shop.mycashflow.fi/api/v1")


def test_read_env_uses_os_environ_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SDK_TEST_VALUE", "from-os")
    variables = [EnvVar("SDK_TEST_VALUE", "value", "a value"), EnvVar("SDK_TEST_OTHER", "other", "x", default="d")]
    assert read_env(variables) == {"value": "from-os", "other": "d"}


@pytest.mark.parametrize(
    ("client", "environ", "flag"),
    [
        (
            Mash,
            {"MASH_USERNAME": "u", "MASH_PASSWORD": "p", "MASH_BASE_URL": "http://127.0.0.1:8080/api"},
            "MASH_ALLOW_INSECURE=1",
        ),
        (
            MyCashflow,
            {
                "MYCASHFLOW_USERNAME": "u",
                "MYCASHFLOW_API_KEY": "k",
                "MYCASHFLOW_BASE_URL": "http://127.0.0.1:8443/api/v1",
            },
            "MYCASHFLOW_ALLOW_INSECURE=1",
        ),
    ],
)
def test_from_env_with_plain_http_names_the_variable_that_allows_it(
    client: type[Mash] | type[MyCashflow], environ: dict[str, str], flag: str
) -> None:
    with pytest.raises(ConfigurationError) as raised:
        client.from_env(environ)
    assert flag in str(raised.value) and "allow_insecure=True" not in str(raised.value)
