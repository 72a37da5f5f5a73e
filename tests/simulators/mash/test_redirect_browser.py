"""The redirect page in a real headless Chromium (Debian's chromium + chromedriver, never a downloaded one)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait

from simulators._serving import running_in_thread
from simulators.mash import create_app
from tests._browser import headless_chromium

from ._orders import APPROVED, AUTH, JSON, MERCHANT_ID, PENDING, order


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    with headless_chromium() as driver:
        yield driver


def _post_form(driver: webdriver.Chrome, action: str, fields: dict[str, str]) -> None:
    """What a web shop does for a Pending order: POST the documented form to the redirect URL."""
    driver.get("about:blank")
    driver.execute_script(
        """const [action, fields] = arguments;
        const form = document.createElement('form');
        form.method = 'POST'; form.action = action;
        for (const [name, value] of Object.entries(fields)) {
            const input = document.createElement('input');
            input.type = 'hidden'; input.name = name; input.value = value; form.appendChild(input);
        }
        document.body.appendChild(form); form.submit();""",
        action,
        fields,
    )


def test_a_customer_authenticates_with_a_bank_and_returns_to_ok_url(browser: webdriver.Chrome) -> None:
    with running_in_thread(create_app()) as base, httpx.Client(base_url=base, auth=AUTH, headers=JSON) as api:
        created = api.post("/api/orders", json=order("WEB-1", PENDING)).json()
        assert created["status"] == "Pending"
        ok_url, cancel_url = f"{base}/shop/ok?order=WEB-1", f"{base}/shop/cancel"
        form = {
            "merchantId": str(MERCHANT_ID),
            "clientOrderId": "WEB-1",
            "ssn": PENDING,
            "name": "Teppo Testaaja",
            "okUrl": ok_url,
            "cancelUrl": cancel_url,
        }
        _post_form(browser, f"{base}/redirect", form)
        wait = WebDriverWait(browser, 20)
        field = wait.until(expected_conditions.presence_of_element_located((By.ID, "ssn-for-testing")))
        assert field.get_attribute("value") == PENDING
        assert browser.find_element(By.CSS_SELECTOR, "label[for=ssn-for-testing]").text == "SSN-for-testing"
        field.clear()
        field.send_keys(APPROVED)
        banks = browser.find_elements(By.CSS_SELECTOR, "button.bank")
        assert [b.text for b in banks][:2] == ["Nordea", "OP"]
        banks[1].click()
        wait.until(expected_conditions.url_to_be(ok_url))
        assert api.get(f"/api/orders/{created['orderId']}").json()["status"] == "Approved"


def test_a_customer_cancels_and_returns_to_cancel_url(browser: webdriver.Chrome) -> None:
    with running_in_thread(create_app()) as base, httpx.Client(base_url=base, auth=AUTH, headers=JSON) as api:
        created = api.post("/api/orders", json=order("WEB-2", PENDING)).json()
        cancel_url = f"{base}/shop/cancel"
        form = {
            "merchantId": str(MERCHANT_ID),
            "clientOrderId": "WEB-2",
            "okUrl": f"{base}/shop/ok",
            "cancelUrl": cancel_url,
        }
        _post_form(browser, f"{base}/redirect", form)
        wait = WebDriverWait(browser, 20)
        wait.until(expected_conditions.element_to_be_clickable((By.ID, "cancel"))).click()
        wait.until(expected_conditions.url_to_be(cancel_url))
        assert api.get(f"/api/orders/{created['orderId']}").json()["status"] == "Pending"
