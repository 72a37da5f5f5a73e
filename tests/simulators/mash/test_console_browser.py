"""The /_sim/ console in headless Chromium: it loads without console errors, shows the order, faults and
journal, and its "Advance" button moves the simulated clock past the 30-day expiry of an Approved order."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from simulators._serving import running_in_thread
from simulators.mash import create_app

from ._orders import AUTH, JSON, order
from .test_redirect_browser import browser

__all__ = ["browser"]  # the module-scoped Chromium fixture, shared

SCREENSHOT_TO = "SIM_CONSOLE_SCREENSHOT"
"""Set it (e.g. to docs/simulator-console.png) to keep the screenshot; by default it goes to a temp dir."""


def _severe(driver: webdriver.Chrome) -> list[dict[str, object]]:
    entries: list[dict[str, object]] = driver.get_log("browser")  # type: ignore[no-untyped-call]
    return [entry for entry in entries if entry.get("level") == "SEVERE"]


def test_the_console_shows_an_order_expiring_when_the_clock_is_advanced(
    browser: webdriver.Chrome, tmp_path: Path
) -> None:
    with running_in_thread(create_app(control=True)) as root:
        created = httpx.post(f"{root}/api/orders", json=order("CONSOLE-1"), auth=AUTH, headers=JSON)
        assert created.status_code == 200 and created.json()["status"] == "Approved"
        httpx.post(f"{root}/_sim/faults", json={"op": "getOrder", "kind": "latency", "ms": 50})
        browser.get(f"{root}/_sim/")
        wait = WebDriverWait(browser, 10)
        wait.until(lambda d: "CONSOLE-1" in d.find_element(By.ID, "overview").text)
        overview = browser.find_element(By.ID, "overview").text
        assert "Approved" in overview and "expired" not in overview
        assert "latency" in browser.find_element(By.ID, "faults").text
        assert "createOrder" in browser.find_element(By.ID, "journal").text
        before = browser.find_element(By.ID, "now").text
        browser.find_element(By.ID, "advance").click()  # 31 days: past the 30-day expiry (state.EXPIRY)
        wait.until(lambda d: "Closed (expired)" in d.find_element(By.ID, "overview").text)
        assert browser.find_element(By.ID, "now").text > before
        shot = Path(os.environ.get(SCREENSHOT_TO) or tmp_path / "console.png")
        assert browser.save_screenshot(str(shot)) and shot.read_bytes().startswith(b"\x89PNG")
        assert _severe(browser) == []
