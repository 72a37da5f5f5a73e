"""The docs site in a real headless Chromium (Debian's chromium + chromedriver, as the simulator's browser tests).

The site is the one `nox -s docs` built (DOCS_SITE), else built here with `mkdocs build --strict`; it is
served from 127.0.0.1 on a free port. Every page reachable from the home page loads without a console
error, every internal link and resource answers (anchors included), nothing is loaded from another host
(the site works offline), search finds an operation by its operationId, and screenshots of the home page
and of an operation page land in build/docs-screenshots/.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait

from docsite.site import Site, build
from specforge.apis import find_root

ROOT = find_root(anchor=Path(__file__))
SCREENSHOTS = ROOT / "build" / "docs-screenshots"
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
    "--window-size=1280,900",
)
MAX_PAGES = 2000  # the crawl stops itself on a site gone wrong (a page linking to ever new URLs)
# Everything a page links to or loads, absolute (the browser resolves them), and every id an anchor may name.
_LINKS_JS = """return {
  links: Array.from(document.querySelectorAll('a[href]'), a => a.href),
  loads: Array.from(
    document.querySelectorAll('script[src], img[src], link[href][rel~="stylesheet"], link[rel~="icon"]'),
    e => e.src || e.href),
  ids: Array.from(document.querySelectorAll('[id], a[name]'), e => e.id || e.name),
};"""


@functools.cache
def _site() -> Site:
    return build(ROOT)


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    given = os.environ.get("DOCS_SITE")
    if given:
        assert (Path(given) / "index.html").is_file(), f"DOCS_SITE={given} holds no built site"
        return Path(given)
    target = tmp_path_factory.mktemp("docs-site")
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(target)]
    done = subprocess.run(
        command,
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=os.environ | {"NO_MKDOCS_2_WARNING": "1"},
    )
    assert done.returncode == 0, f"mkdocs build --strict failed:\n{done.stdout}\n{done.stderr}"
    return target


@pytest.fixture(scope="module")
def base_url(site_dir: Path) -> Iterator[str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    # Not a skip: `nox -s tests` / `nox -s docs` install chromium when permitted or stop with the command.
    assert shutil.which("chromium") and shutil.which(CHROMEDRIVER), "nox -s tests installs it or prints the command"
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or ""
    for flag in FLAGS:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def _console(browser: webdriver.Chrome) -> list[dict[str, Any]]:
    """The browser console's entries since the last call (chromedriver's `goog:loggingPrefs` log)."""
    entries: list[dict[str, Any]] = browser.get_log("browser")  # type: ignore[no-untyped-call]
    return entries


def _is_page(url: str) -> bool:
    path = urlsplit(url).path
    return path.endswith("/") or path.endswith(".html")


def test_every_page_loads_cleanly_and_every_internal_link_resolves(browser: webdriver.Chrome, base_url: str) -> None:
    origin = urlsplit(base_url).netloc
    queue, seen = deque([base_url]), {base_url}
    problems: list[str] = []
    anchors: list[tuple[str, str, str]] = []  # (page, target page, fragment)
    ids: dict[str, set[str]] = {}
    checked: dict[str, int] = {}
    with httpx.Client(timeout=10) as http:

        def status(url: str) -> int:
            if url not in checked:
                checked[url] = http.get(url).status_code
            return checked[url]

        while queue and len(seen) < MAX_PAGES:
            page = queue.popleft()
            _console(browser)  # drop what an earlier page left
            browser.get(page)
            errors = [entry["message"] for entry in _console(browser) if entry["level"] == "SEVERE"]
            problems += [f"{page}: console error {message}" for message in errors]
            found = browser.execute_script(_LINKS_JS)
            ids[page] = set(found["ids"])
            for url in found["loads"]:
                if urlsplit(url).netloc != origin:
                    problems.append(f"{page} loads {url} from another host (the site must work offline)")
                elif status(url) != 200:
                    problems.append(f"{page} loads {url}: HTTP {status(url)}")
            for href in found["links"]:
                if urlsplit(href).netloc != origin:
                    continue
                target, fragment = urldefrag(href)
                if status(target) != 200:
                    problems.append(f"{page} links to {href}: HTTP {status(target)}")
                    continue
                if fragment:
                    anchors.append((page, target, fragment))
                if _is_page(target) and target not in seen:
                    seen.add(target)
                    queue.append(target)
    for page, target, fragment in anchors:
        if target in ids and fragment not in ids[target]:
            problems.append(f"{page} links to {target}#{fragment}: no such anchor")
    assert not problems, "\n".join(problems[:40])
    expected = {
        urljoin(
            base_url, path.removesuffix("index.md").removesuffix(".md") + ("/" if not path.endswith("index.md") else "")
        )
        for path in _site().pages
        if path.endswith(".md")
    }
    assert expected <= seen, f"pages no link reaches: {sorted(expected - seen)[:10]}"


def test_search_finds_an_operation_by_its_operation_id(browser: webdriver.Chrome, base_url: str) -> None:
    api, pages = next((api, pages) for api, pages in _site().operations.items() if pages)
    page = pages[len(pages) // 2]
    operation_id = Path(page).stem
    browser.get(base_url)
    wait = WebDriverWait(browser, 20)
    wait.until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "label[for='__search']")))
    browser.execute_script("document.querySelector(\"label[for='__search']\").click()")  # the header's search button
    field = wait.until(expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, "input.md-search__input")))
    field.send_keys(operation_id)
    wanted = f"api/{api}/operations/{operation_id}/"

    def hit(driver: webdriver.Chrome) -> bool:
        links = driver.find_elements(By.CSS_SELECTOR, ".md-search-result__item a.md-search-result__link")
        return any(urlsplit(link.get_attribute("href") or "").path.endswith(wanted) for link in links)

    wait.until(hit, f"search for {operation_id} lists no {wanted}")
    first = browser.find_element(By.CSS_SELECTOR, ".md-search-result__item a.md-search-result__link")
    assert urlsplit(first.get_attribute("href") or "").path.endswith(wanted), "the operation is not the first hit"


def test_screenshots_of_the_home_page_and_an_operation_page(browser: webdriver.Chrome, base_url: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pages = next(pages for pages in _site().operations.values() if pages)
    operation = pages[0].removesuffix(".md") + "/"
    for name, path, heading in (("home", "", "Mash + MyCashflow"), ("operation", operation, Path(pages[0]).stem)):
        target = SCREENSHOTS / f"{name}.png"
        target.unlink(missing_ok=True)
        browser.get(urljoin(base_url, path))
        title = WebDriverWait(browser, 20).until(expected_conditions.visibility_of_element_located((By.TAG_NAME, "h1")))
        assert heading in title.text, f"{path or 'home'}: h1 is {title.text!r}"
        assert browser.save_screenshot(str(target)), f"no screenshot of {path or 'home'}"
        assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and target.stat().st_size > 10_000, target
