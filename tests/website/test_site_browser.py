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
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait

from docsite.site import Site, build
from specforge.apis import find_root
from tests._browser import headless_chromium

ROOT = find_root(anchor=Path(__file__))
SCREENSHOTS = ROOT / "build" / "docs-screenshots"
MAX_PAGES = 2000
SEARCH_INDEX = (
    "*/search/search_index.json"  # the crawl stops itself on a site gone wrong (a page linking to ever new URLs)
)
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

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site_dir)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    with headless_chromium("--window-size=1280,900", console_log=True) as driver:
        yield driver


def _console(browser: webdriver.Chrome) -> list[dict[str, Any]]:
    """The browser console's entries since the last call (chromedriver's `goog:loggingPrefs` log)."""
    entries: list[dict[str, Any]] = browser.get_log("browser")  # type: ignore[no-untyped-call]
    return entries


def _nav_pages(nav: Any) -> list[str]:
    """Every page the nav names (committed and generated), as source paths."""
    if isinstance(nav, str):
        return [nav]
    items = nav.values() if isinstance(nav, dict) else nav
    return [page for item in items for page in _nav_pages(item)]


def _url(page: str) -> str:
    """A source path's URL under use_directory_urls: `a/index.md` → `a/`, `a/b.md` → `a/b/`."""
    stem = page.removesuffix(".md")
    return stem.removesuffix("index") if stem == "index" or stem.endswith("/index") else stem + "/"


def _is_page(url: str) -> bool:
    path = urlsplit(url).path
    return path.endswith("/") or path.endswith(".html")


@dataclass
class _Crawl:
    """Breadth-first over the site's pages from the home page, collecting every problem found."""

    base_url: str
    http: httpx.Client
    seen: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)
    anchors: list[tuple[str, str, str]] = field(default_factory=list)  # (page, target page, fragment)
    ids: dict[str, set[str]] = field(default_factory=dict)
    checked: dict[str, int] = field(default_factory=dict)

    def status(self, url: str) -> int:
        if url not in self.checked:
            self.checked[url] = self.http.get(url).status_code
        return self.checked[url]

    def visit(self, browser: webdriver.Chrome, page: str) -> list[str]:
        """Load one page; its problems are noted, the internal pages it links to returned."""
        origin = urlsplit(self.base_url).netloc
        _console(browser)  # drop what an earlier page left
        browser.get(page)
        self.problems += [f"{page}: console error {e['message']}" for e in _console(browser) if e["level"] == "SEVERE"]
        found = browser.execute_script(_LINKS_JS)
        self.ids[page] = set(found["ids"])
        for url in found["loads"]:
            if urlsplit(url).netloc != origin:
                self.problems.append(f"{page} loads {url} from another host (the site must work offline)")
            elif self.status(url) != 200:
                self.problems.append(f"{page} loads {url}: HTTP {self.status(url)}")
        pages = []
        for href in found["links"]:
            target, fragment = urldefrag(href)
            if urlsplit(href).netloc != origin:
                continue
            if self.status(target) != 200:
                self.problems.append(f"{page} links to {href}: HTTP {self.status(target)}")
            elif fragment:
                self.anchors.append((page, target, fragment))
            if _is_page(target) and self.status(target) == 200:
                pages.append(target)
        return pages

    def run(self, browser: webdriver.Chrome) -> None:
        queue, self.seen = deque([self.base_url]), {self.base_url}
        while queue and len(self.seen) < MAX_PAGES:
            for target in self.visit(browser, queue.popleft()):
                if target not in self.seen:
                    self.seen.add(target)
                    queue.append(target)
        for page, target, fragment in self.anchors:
            if target in self.ids and fragment not in self.ids[target]:
                self.problems.append(f"{page} links to {target}#{fragment}: no such anchor")


def test_every_page_loads_cleanly_and_every_internal_link_resolves(browser: webdriver.Chrome, base_url: str) -> None:
    with httpx.Client(timeout=10) as http:
        crawl = _Crawl(base_url, http)
        crawl.run(browser)
    assert not crawl.problems, "\n".join(crawl.problems[:40])
    expected = {urljoin(base_url, _url(path)) for path in _nav_pages(_site().nav)}
    assert len(expected) > 50 and expected <= crawl.seen, f"pages no link reaches: {sorted(expected - crawl.seen)[:10]}"


def test_search_finds_an_operation_by_its_operation_id(browser: webdriver.Chrome, base_url: str) -> None:
    api, pages = next((api, pages) for api, pages in _site().operations.items() if pages)
    page = pages[len(pages) // 2]
    operation_id = Path(page).stem
    _console(browser)
    browser.get(base_url)
    wait = WebDriverWait(browser, 60)  # the worker builds the index of ~100 pages first: slow on a loaded machine
    wait.until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "label[for='__search']")))
    browser.execute_script("document.querySelector(\"label[for='__search']\").click()")  # the header's search button
    field = wait.until(expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, "input.md-search__input")))
    field.send_keys(operation_id)
    wanted = f"api/{api}/operations/{operation_id}/"

    def hit(driver: webdriver.Chrome) -> bool:
        links = driver.find_elements(By.CSS_SELECTOR, ".md-search-result__item a.md-search-result__link")
        return any(urlsplit(link.get_attribute("href") or "").path.endswith(wanted) for link in links)

    wait.until(hit, f"search for {operation_id} lists no {wanted}")
    errors = [entry["message"] for entry in _console(browser) if entry["level"] == "SEVERE"]
    assert not errors, errors
    first = browser.find_element(By.CSS_SELECTOR, ".md-search-result__item a.md-search-result__link")
    assert urlsplit(first.get_attribute("href") or "").path.endswith(wanted), "the operation is not the first hit"


def test_the_benchmarks_page_shows_its_chart(browser: webdriver.Chrome, base_url: str) -> None:
    browser.get(urljoin(base_url, "benchmarks/"))
    chart = WebDriverWait(browser, 20).until(
        expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, "img[src$='benchmarks.svg']"))
    )
    assert browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", chart) > 500


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
