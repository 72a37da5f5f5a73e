"""One headless Chromium for the browser tests (Debian's chromium + chromedriver, never a downloaded one)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

__all__ = ["CHROMEDRIVER", "headless_chromium"]

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


@contextmanager
def headless_chromium(*extra_flags: str, console_log: bool = False) -> Iterator[webdriver.Chrome]:
    """A driver quit at the end; with `console_log`, the page console is kept for `get_log("browser")`."""
    # Not a skip: `nox -s tests` / `nox -s docs` install chromium when permitted or stop with the command
    # (noxfile._ensure_browser).
    assert shutil.which("chromium") and shutil.which(CHROMEDRIVER), "nox -s tests installs it or prints the command"
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or ""
    for flag in (*FLAGS, *extra_flags):
        options.add_argument(flag)
    if console_log:
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
