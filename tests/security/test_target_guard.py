"""Target guards (issue 13, High 1 and Low): production hosts, the http target's loopback check, SDK base URLs.

Each guard decides on the host the HTTP library will connect to; every look-alike spelling (trailing dot,
percent-encoding, backslash, userinfo, IDNA and full-width dots, inet_aton notations) is refused, and no
refusal message ever repeats a URL's query or userinfo.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import ExitStack

import httpx
import pytest
import requests

from contract_tests.targets import API_TARGETS, Target, TargetError, resolve
from sdk_runtime import ConfigurationError, check_base_url, parse_origin

MASH, MCF = API_TARGETS["mash"], API_TARGETS["mycashflow"]
MASH_SANDBOX = {"CONTRACT_TARGET": "sandbox", "MASH_USERNAME": "u", "MASH_PASSWORD": "p"}
MCF_SANDBOX = {
    "CONTRACT_TARGET": "sandbox",
    "MYCASHFLOW_USERNAME": "api@example.com",
    "MYCASHFLOW_API_KEY": "k" * 40,
    "CONTRACT_MYCASHFLOW_TEST_STORES": "teststore",
}

MASH_PRODUCTION = [
    "https://fi.mash.com./api",  # trailing dot
    "https://fi.mash.com.:443/api",
    "https://fi.mash.com.../api",
    "https://fi%2emash%2ecom/api",  # percent-encoded host
    "https://fi.mash.com%2f@test.example.com/api",
    "https://fi.mash.com%40test.example.com/api",
    "https://fi.mash.com\\@test.example.com/api",  # backslash + userinfo: WHATWG parsers go to fi.mash.com
    "https:\\\\fi.mash.com/api",
    "https:fi.mash.com/api",  # no slashes: WHATWG parsers still read the host
    "https:/fi.mash.com/api",
    "https://ｆｉ．ｍａｓｈ．ｃｏｍ/api",  # full-width letters and dots: IDNA maps them to fi.mash.com
    "https://fi。mash。com/api",  # ideographic full stop
    "https://fi｡mash｡com/api",  # halfwidth ideographic full stop
    "https://fi．mash．com/api",  # full-width dot only
    "https://FI.MASH.COM/api",
    "HTTPS://Fi.Mash.Com:443/api",
    "https://fi.mash.com:443/api",
    "https://api.mash.com/api",
    "https://mash.com/api",
    "https://www.mash.com./api",
    "https://user:secret@fi.mash.com/api",
    "https://test.example.com@fi.mash.com/api",
    "https://fi.mash.com:443@test.example.com/api",
    "https://fi.mash.com?.test.example.com/api",
    "https://fi.mash.com\n.test.example.com/api",  # urlsplit drops the newline, other parsers do not
    "https://fi.mash.com\t/api",
    "https://fi.mash.com%00.test.example.com/api",
    "https://[::ffff:203.0.113.7]/api",  # an IP literal cannot be told apart from production
    "https://203.0.113.7/api",
    "https://3405803783/api",  # 203.0.113.7 as one decimal
]

MCF_PRODUCTION = [
    "https://realshop.mycashflow.fi./api/v1",
    "https://realshop.mycashflow.fi.:443/api/v1",
    "https://realshop%2emycashflow%2efi/api/v1",
    "https://realshop.mycashflow.fi\\@teststore.mycashflow.fi/api/v1",
    "https://realshop.mycashflow.fi%2f@store.example.test/api/v1",
    "https://teststore.realshop.mycashflow.fi/api/v1",  # the allow-listed store's name as a first label only
    "https://teststore.mycashflow.fi.realshop.mycashflow.fi/api/v1",
    "https://REALSHOP.MYCASHFLOW.FI/api/v1",
    "https://realshop.MyCashflow.fi:443/api/v1",
    "https://realshop．mycashflow．fi/api/v1",
    "https://realshop。mycashflow。fi/api/v1",
    "https://ｒｅａｌｓｈｏｐ.mycashflow.fi/api/v1",
    "https://mycashflow.fi/api/v1",
    "https://www.mycashflow.fi/api/v1",
    "https:realshop.mycashflow.fi/api/v1",
    "https:/realshop.mycashflow.fi/api/v1",
    "https://user@realshop.mycashflow.fi/api/v1",
    "https://realshop.mycashflow.fi?x=teststore.mycashflow.fi",
    "https://realshop.mycashflow.fi#.store.example.test",
    "https://realshop..mycashflow.fi/api/v1",
    "https://realshop.mycashflow.fi%00/api/v1",
    "https://realshop.mycashflow.fi /api/v1",
    "https://realshop.mycashflow.fi\t/api/v1",
    "https://[::ffff:a00:1]/api/v1",
    "https://10.0.0.1/api/v1",
    "https://teststore.mycashflow.fi./api/v1",  # even the test store: one spelling only
    "https://xn--realshop-.mycashflow.fi/api/v1",
]

LOOPBACK = [
    "http://evil.example\\@127.0.0.1:8080/api",  # WHATWG parsers connect to evil.example
    "http://evil.example%2f@127.0.0.1:8080/api",
    "http://user:secret@127.0.0.1:8080/api",
    "http://evil.example@localhost:8080/api",
    "http://127.0.0.1.:8080/api",
    "http://localhost.:8080/api",
    "http://127.0.0.1#@evil.example/api",
    "http://127.0.0.1:8080?@evil.example/api",
    "http:evil.example/api",
    "http:/127.0.0.1:8080/api",
    "http://127.0.0.1.nip.io:8080/api",  # a DNS name, whatever it resolves to
    "http://localhost.evil.example:8080/api",
    "http://0x7f.1:8080/api",  # inet_aton notations glibc accepts for 127.0.0.1
    "http://127.1:8080/api",
    "http://2130706433:8080/api",
    "http://017700000001:8080/api",
    "http://0177.0.0.1:8080/api",
    "http://127.000.000.001:8080/api",
    "http://[::1%25eth0]:8080/api",  # IPv6 zone id
    "http://[::ffff:127.0.0.1]:8080/api",
    "http://[0:0:0:0:0:0:0:1]:8080/api",
    "http://ｌｏｃａｌｈｏｓｔ:8080/api",
    "http://127。0。0。1:8080/api",
    "http://localhost%00.evil.example:8080/api",
    "http://127.0.0.1\t.evil.example:8080/api",
    "http://127.0.0.1%2eevil.example:8080/api",
    "http://127.0.0.1:8080:80/api",
    "http://127.0.0.1:0/api",
    "http://127.0.0.1:99999/api",
    "http://127.0.0.1:08080/api",
    "http://203.0.113.7:8080/api",
]


def _refusal(call: object, *args: object, **kwargs: object) -> str:
    with pytest.raises((TargetError, ConfigurationError)) as raised:
        call(*args, **kwargs)  # type: ignore[operator]
    return str(raised.value)


@pytest.mark.parametrize("url", MASH_PRODUCTION)
def test_mash_production_in_any_spelling_is_refused(url: str) -> None:
    _refusal(resolve, MASH, {**MASH_SANDBOX, "MASH_BASE_URL": url})


@pytest.mark.parametrize("url", MCF_PRODUCTION)
def test_a_real_mycashflow_store_in_any_spelling_is_refused(url: str) -> None:
    _refusal(resolve, MCF, {**MCF_SANDBOX, "MYCASHFLOW_BASE_URL": url})


@pytest.mark.parametrize("url", LOOPBACK)
def test_the_http_target_accepts_only_a_plainly_written_loopback_host(url: str) -> None:
    _refusal(resolve, MASH, {"CONTRACT_TARGET": "http", "CONTRACT_MASH_URL": url}, ExitStack())


@pytest.mark.parametrize("url", LOOPBACK)
def test_the_sdk_sends_plain_http_only_to_a_plainly_written_loopback_host(url: str) -> None:
    _refusal(check_base_url, url, allow_insecure=True)


@pytest.mark.parametrize(
    "url",
    [
        "https://fi.mash.com./api",
        "https://fi%2emash%2ecom/api",
        "https://fi.mash.com\\@test.example.com/api",
        "https:fi.mash.com/api",
        "https://ｆｉ．ｍａｓｈ．ｃｏｍ/api",
        "https://fi。mash。com/api",
        "https://realshop.mycashflow.fi%2f@store.example.test/api/v1",
        "https://user:secret@fi.mash.com/api",
        "https://3405803783/api",
        "https://[fe80::1%25eth0]/api",
    ],
)
def test_the_sdk_refuses_ambiguous_spellings_of_a_base_url(url: str) -> None:
    _refusal(check_base_url, url)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({**MASH_SANDBOX, "MASH_BASE_URL": "https://test.example.com/api"}, "https://test.example.com/api"),
        ({**MASH_SANDBOX, "MASH_BASE_URL": "https://Test.Example.com:8443/api/"}, "https://Test.Example.com:8443/api"),
        (
            {**MASH_SANDBOX, "MASH_BASE_URL": "https://test.mash.com/api", "CONTRACT_MASH_TEST_HOSTS": "test.mash.com"},
            "https://test.mash.com/api",
        ),
        ({**MASH_SANDBOX, "MASH_BASE_URL": "http://127.0.0.1:9000/api"}, "http://127.0.0.1:9000/api"),
        ({**MASH_SANDBOX, "MASH_BASE_URL": "http://[::1]:9000/api"}, "http://[::1]:9000/api"),
        ({**MASH_SANDBOX, "MASH_BASE_URL": "https://localhost:9443/api"}, "https://localhost:9443/api"),
        (
            {**MASH_SANDBOX, "MASH_BASE_URL": "https://fi.mash.com/api", "CONTRACT_ALLOW_PRODUCTION": "1"},
            "https://fi.mash.com/api",
        ),
    ],
)
def test_legitimate_mash_sandboxes_still_pass(env: Mapping[str, str], expected: str) -> None:
    target = resolve(MASH, env)
    assert isinstance(target, Target) and target.base_url == expected


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"MYCASHFLOW_STORE": "teststore"}, "https://teststore.mycashflow.fi/api/v1"),
        ({"MYCASHFLOW_STORE": "TestStore"}, "https://teststore.mycashflow.fi/api/v1"),
        ({"MYCASHFLOW_BASE_URL": "https://teststore.mycashflow.fi/api/v1"}, "https://teststore.mycashflow.fi/api/v1"),
        ({"MYCASHFLOW_BASE_URL": "https://TestStore.mycashflow.fi/api/v1"}, "https://TestStore.mycashflow.fi/api/v1"),
        ({"MYCASHFLOW_BASE_URL": "https://store.example.test/api/v1"}, "https://store.example.test/api/v1"),
        ({"MYCASHFLOW_BASE_URL": "http://127.0.0.1:8443/api/v1"}, "http://127.0.0.1:8443/api/v1"),
    ],
)
def test_legitimate_mycashflow_sandboxes_still_pass(env: Mapping[str, str], expected: str) -> None:
    target = resolve(MCF, {**MCF_SANDBOX, **env})
    assert isinstance(target, Target) and target.base_url == expected


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/api",
        "http://localhost:8080/api",
        "http://LOCALHOST:8080/api",
        "http://[::1]:8080/api",
        "http://127.0.0.2:8080/api",
        "https://127.0.0.1:8443/api/v1",
    ],
)
def test_legitimate_loopback_urls_still_pass(url: str) -> None:
    target = resolve(MASH, {"CONTRACT_TARGET": "http", "CONTRACT_MASH_URL": url}, ExitStack())
    assert isinstance(target, Target) and target.base_url == url
    assert check_base_url(url, allow_insecure=True) == url.lower()


@pytest.mark.parametrize(
    ("call", "url"),
    [
        *(("sandbox", u) for u in MASH_PRODUCTION[:12]),
        *(("http", u) for u in LOOPBACK[:12]),
        *(("sdk", u) for u in LOOPBACK[:12]),
        ("sdk", "https://fi.mash.com/api"),
        ("sdk", "ftp://fi.mash.com/api"),
    ],
)
def test_no_refusal_repeats_a_query_or_userinfo(call: str, url: str) -> None:
    secret = "s3cr3t-T0KEN"
    for hostile in (f"{url}?token={secret}", url.replace("://", f"://admin:{secret}@", 1), f"{url}#{secret}"):
        if call == "sandbox":
            message = _refusal(resolve, MASH, {**MASH_SANDBOX, "MASH_BASE_URL": hostile})
        elif call == "http":
            message = _refusal(resolve, MASH, {"CONTRACT_TARGET": "http", "CONTRACT_MASH_URL": hostile}, ExitStack())
        else:
            message = _refusal(check_base_url, hostile, allow_insecure=True)
        assert secret not in message, message


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MYCASHFLOW_STORE": "realshop.mycashflow.fi#"}, "store name"),
        ({"MYCASHFLOW_STORE": "evil.example/?"}, "store name"),
        ({"MYCASHFLOW_STORE": "teststore.realshop"}, "store name"),
        ({"MYCASHFLOW_STORE": "teststore", "MYCASHFLOW_BASE_URL": "https://x.example/api/v1"}, "not both"),
        ({"MYCASHFLOW_STORE": "realshop", "CONTRACT_MYCASHFLOW_TEST_STORES": "teststore.realshop"}, "not a store"),
        ({"MYCASHFLOW_STORE": "www", "CONTRACT_MYCASHFLOW_TEST_STORES": "www"}, "production host"),
        ({"MYCASHFLOW_STORE": "teststore", "CONTRACT_ALLOW_WRITES": "please"}, "CONTRACT_ALLOW_WRITES"),
        ({"MYCASHFLOW_STORE": "realshop", "CONTRACT_ALLOW_PRODUCTION": "on"}, "CONTRACT_ALLOW_PRODUCTION"),
    ],
)
def test_environment_tricks_are_refused(env: Mapping[str, str], message: str) -> None:
    assert message in _refusal(resolve, MCF, {**MCF_SANDBOX, **env})


@pytest.mark.parametrize(
    ("hosts", "message"),
    [("fi.mash.com", "production host"), ("FI.mash.com", "write 'fi.mash.com'"), ("fi.mash.com.", "ends with a dot")],
)
def test_the_mash_allow_list_cannot_name_production(hosts: str, message: str) -> None:
    env = {**MASH_SANDBOX, "MASH_BASE_URL": "https://fi.mash.com/api", "CONTRACT_MASH_TEST_HOSTS": hosts}
    assert message in _refusal(resolve, MASH, env)


def test_the_parser_reads_the_same_host_as_httpx_and_requests_for_every_accepted_url() -> None:
    for url in ("https://Test.Example.com:8443/api", "http://[::1]:9000/api", "https://teststore.mycashflow.fi/api/v1"):
        origin = parse_origin(url)
        prepared = requests.PreparedRequest()
        prepared.prepare_url(url, None)
        assert httpx.URL(url).host == origin.host == httpx.URL(prepared.url or "").host
