"""Every generated page of the site and its navigation, from the registry and the repository's files.

`build(root)` is pure: it reads the repository and returns pages (site path → Markdown, or bytes for an
image) plus the nav. hooks.py hands them to MkDocs; tests/website read them directly.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from specforge.apis import load_apis
from specforge.clients import load_object
from specforge.patched import load_patched

from . import benchmarks, quirks, reference
from ._markdown import relink

__all__ = ["DOCS", "Site", "build", "relinker"]

DOCS = "docs"  # the committed pages (mkdocs.yml docs_dir)
# Repository files the site carries as pages of their own, besides docs/ and the per-API pages.
PROJECT_PAGES = {"CONTRIBUTING.md": "project/contributing.md", "ARCHITECTURE.md": "project/architecture.md"}

NavItem = dict[str, Any]


@dataclass
class Site:
    """Generated pages (site path → content), the nav, and which repository file each page shows."""

    pages: dict[str, str | bytes] = field(default_factory=dict)
    nav: list[NavItem] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)  # repository path → site path
    operations: dict[str, list[str]] = field(default_factory=dict)  # API → site paths of its operation pages


def _title(markdown: str, fallback: str) -> str:
    for line in markdown.splitlines():
        if line.startswith("# "):
            return line[2:].strip().strip("`")
    return fallback


def _committed(root: Path) -> list[Path]:
    return sorted(path for path in (root / DOCS).glob("*.md") if path.name != "index.md")


def _simulator_folders(root: Path) -> dict[str, Path]:
    """Simulator package → its folder, for every simulator binding (one store simulator may serve two APIs).

    The checkout's own folder under src/ when there is one (the site documents this repository), else wherever
    the package is installed.
    """
    folders: dict[str, Path] = {}
    for api in load_apis(root).values():
        if api.simulator:
            package = api.simulator.rsplit(".", 1)[0]
            folder = root.joinpath("src", *package.split("."))
            spec = None if folder.is_dir() else importlib.util.find_spec(package)
            if spec is not None and spec.submodule_search_locations:
                folder = Path(next(iter(spec.submodule_search_locations)))
            if folder.is_dir():
                folders[package] = folder
    return folders


def _rel(path: Path, root: Path) -> str:
    """`path` as the site's sources name it: repository-relative, or as is for a file outside the checkout."""
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()


def _sdk_packages(root: Path) -> list[str]:
    """The hand-written SDK packages: each binding's client package, then the packages their errors stand on."""
    found: list[str] = []
    for api in load_apis(root).values():
        if api.sdk is not None:
            client, error = load_object(api.sdk.client), load_object(api.sdk.error)
            for cls in (client, *error.__mro__):
                package = cls.__module__.split(".")[0]
                if package not in found and package != "builtins":
                    found.append(package)
    return found


def relinker(root: Path, sources: dict[str, str], pages: Collection[str] = ()) -> Callable[[str, str, str], str]:
    """relink(markdown, repository path, site path) with the site's map of repository files and its pages."""

    def exists(path: str) -> bool:
        return (root / path).exists()

    def apply(markdown: str, source: str, page: str) -> str:
        return relink(markdown, source, sources, page, exists, pages)

    return apply


def _sources(root: Path) -> dict[str, str]:
    """Repository file → site page, for every repository file the site shows."""
    sources = {"README.md": "index.md"}
    for path in sorted((root / DOCS).iterdir()):
        if path.is_file() and path.name != "index.md":
            sources[f"{DOCS}/{path.name}"] = path.name
    simulators = _simulator_folders(root)
    core = next(iter(simulators.values())).parent / "README.md" if simulators else None
    if core is not None and core.is_file():
        sources[_rel(core, root)] = "simulators/index.md"
    for package, folder in simulators.items():
        if (folder / "README.md").is_file():
            sources[_rel(folder / "README.md", root)] = f"simulators/{package.split('.')[-1]}.md"
    sources.update(PROJECT_PAGES)
    sources["BENCHMARKS.md"] = "benchmarks.md"
    return sources


def _api_pages(site: Site, root: Path) -> None:
    """Per API: overview, quirk ledger and one page per operation."""
    for name, api in load_apis(root).items():
        document = load_patched(name, root / "generated").document
        base = f"api/{name}"
        links = {"Quirk ledger": "quirks.md"}
        if api.simulator:
            links["Simulator"] = f"../../simulators/{api.simulator.rsplit('.', 2)[-2]}.md"
        site.pages[f"{base}/index.md"] = reference.overview_page(api, document, links)
        site.pages[f"{base}/quirks.md"] = quirks.ledger_page(api)[0]
        operations: list[NavItem] = []
        for operation_id, page in reference.operation_pages(api, document).items():
            site.pages[f"{base}/operations/{operation_id}.md"] = page
            operations.append({operation_id: f"{base}/operations/{operation_id}.md"})
        site.operations[name] = [next(iter(item.values())) for item in operations]
        title = str(document.get("info", {}).get("title", name))
        overview = [{"Overview": f"{base}/index.md"}, {"Quirk ledger": f"{base}/quirks.md"}]
        site.nav.append({title: [*overview, {"Operations": operations}]})


def _included(site: Site, root: Path, prefix: str, apply: Callable[[str, str, str], str]) -> list[NavItem]:
    """The repository files shown as pages under `prefix`, their links rewritten; their nav entries."""
    nav: list[NavItem] = []
    for source, page in site.sources.items():
        if page.startswith(prefix) and source.endswith(".md"):
            text = (root / source).read_text(encoding="utf-8")
            site.pages[page] = apply(text, source, page)
            nav.append({_title(text, page): page})
    return nav


def build(root: Path) -> Site:
    """Every generated page and the whole nav."""
    root = root.resolve()
    site = Site(sources=_sources(root))
    apply = relinker(root, site.sources, site.pages)  # the pages as they are added: the chart before its page
    site.nav.append({"Home": "index.md"})
    guides = [{_title(path.read_text(encoding="utf-8"), path.stem): path.name} for path in _committed(root)]
    site.nav.append({"Guides": guides})
    _api_pages(site, root)
    site.nav.append({"Simulators": _included(site, root, "simulators/", apply)})

    figures = benchmarks.load_figures(root / "BENCHMARKS.json")
    site.pages["benchmarks.svg"] = benchmarks.chart_svg(figures).encode()
    heading, _, rest = (root / "BENCHMARKS.md").read_text(encoding="utf-8").partition("\n")
    chart = "![Each benchmark figure: ours ÷ anchor, log scale](benchmarks.svg)"
    site.pages["benchmarks.md"] = apply(f"{heading}\n\n{chart}\n{rest}", "BENCHMARKS.md", "benchmarks.md")
    site.nav.append({"Benchmarks": "benchmarks.md"})

    sdk_nav: list[NavItem] = []
    for package in _sdk_packages(root):
        site.pages[f"sdk/{package}.md"] = f"# `{package}`\n\n::: {package}\n"
        sdk_nav.append({package: f"sdk/{package}.md"})
    site.nav.append({"SDK reference": sdk_nav})
    site.nav.append({"Project": _included(site, root, "project/", apply)})
    return site
