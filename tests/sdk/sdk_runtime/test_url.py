"""Base-URL rules: HTTPS only, plain HTTP only to a loopback simulator on request, no trailing slash."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from mash_client.api.orders_and_invoicing import get_order
from mycashflow_client.api.stock_items import get_stock_item

import strict_url
from mash_sdk import Mash
from mycashflow_sdk import MyCashflow
from sdk_runtime import ConfigurationError, check_base_url
from strict_url import URLRefused, is_dns_label

from ..conftest import PASSWORD, USERNAME, Network


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://fi.mash.com/api", "https://fi.mash.com/api"),
        ("https://fi.mash.com/api/", "https://fi.mash.com/api"),
        ("https://shop.mycashflow.fi/api/v1///", "https://shop.mycashflow.fi/api/v1"),
        ("https://example.test", "https://example.test"),
    ],
)
def test_https_urls_are_accepted_without_a_trailing_slash(url: str, expected: str) -> None:
    assert check_base_url(url) == expected


@pytest.mark.parametrize(
    ("url", "allow_insecure", "message"),
    [
        ("http://fi.mash.com/api", False, "is not HTTPS"),
        ("http://127.0.0.1:8080", False, "is not HTTPS"),
        ("http://fi.mash.com/api", True, "only to a loopback host"),
        ("ftp://fi.mash.com/api", False, "absolute https:// URL"),
        ("fi.mash.com/api", False, "absolute https:// URL"),
        ("https://fi.mash.com/api?debug=1", False, "query or a fragment"),
    ],
)
def test_insecure_or_malformed_urls_are_refused(url: str, allow_insecure: bool, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        check_base_url(url, allow_insecure=allow_insecure)


@pytest.mark.parametrize("host", ["127.0.0.1:8080", "localhost:9000", "[::1]:8000"])
def test_plain_http_is_allowed_to_a_loopback_simulator_when_asked(host: str) -> None:
    assert check_base_url(f"http://{host}/api/", allow_insecure=True) == f"http://{host}/api"


def test_credentials_in_the_url_are_refused_without_echoing_them() -> None:
    with pytest.raises(ConfigurationError) as raised:
        check_base_url(f"https://{USERNAME}:{PASSWORD}@fi.mash.com/api")
    assert PASSWORD not in str(raised.value) and USERNAME not in str(raised.value)


def test_the_client_joins_paths_without_a_double_or_trailing_slash(network: Callable[..., Network]) -> None:
    net = network(httpx.Response(200, json={"orderId": "1"}))
    client = Mash(username=USERNAME, password=PASSWORD, base_url="https://fi.mash.com/api/", transport=net.transport)
    get_order.sync("1", client=client)
    assert str(net.requests[0].url) == "https://fi.mash.com/api/orders/1"


def test_a_request_path_ending_in_a_slash_is_refused_before_anything_is_sent(network: Callable[..., Network]) -> None:
    net = network(httpx.Response(200, json={}))
    client = MyCashflow("shop", username=USERNAME, api_key=PASSWORD, transport=net.transport)
    with pytest.raises(ValueError, match="never end with '/'"):
        get_stock_item.sync("", client=client)  # an empty path parameter: /stock/
    assert net.requests == []


@pytest.mark.parametrize("label", ["shop", "Shop-2", "a", "a" * 63, "0"])
def test_a_dns_label_is_ascii_letters_digits_and_inner_hyphens(label: str) -> None:
    assert is_dns_label(label)


@pytest.mark.parametrize("label", ["", "-a", "a-", "a.b", "a_b", "a" * 64, "\u212a", "\u017fhop", "ä", "a\n"])
def test_anything_else_is_not_a_dns_label(label: str) -> None:
    assert not is_dns_label(label)


def test_a_refusal_keeps_its_reason_apart_from_the_url() -> None:
    with pytest.raises(URLRefused) as refused:
        strict_url.parse_origin("https://user:s3cret@example.com/")
    assert refused.value.reason.startswith("credentials in the URL are refused")
    assert "s3cret" not in str(refused.value)
    with pytest.raises(URLRefused, match="must be a string"):
        strict_url.parse_origin(b"https://example.com/")  # type: ignore[arg-type]
    with pytest.raises(URLRefused, match="longer than"):
        strict_url.parse_origin("https://example.com/" + "a" * 3000)
