"""The redirect page in a real headless Chromium (Debian's chromium + chromedriver, never a downloaded one)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait

from simulators._serving import running_in_thread
from simulators.mash import create_app

from ._orders import APPROVED, AUTH, JSON, MERCHANT_ID, PENDING, order

CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
)


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    # Not a skip: `nox -s tests` installs chromium when permitted or stops with the command (noxfile._ensure_browser).
    assert shutil.which("chromium") and shutil.which(CHROMEDRIVER), "nox -s tests installs it or prints the command"
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or ""
    for flag in FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


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
