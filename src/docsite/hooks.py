"""MkDocs hooks (mkdocs.yml `hooks:`): the generated pages and nav, and the committed pages' links.

MkDocs 1.6 can add files in `on_files` (`File.generated`), so no plugin is needed for generated pages.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from docsite.site import DOCS, Site, build, relinker

ROOT = Path(__file__).resolve().parents[2]


@functools.cache
def _site() -> Site:
    return build(ROOT)


def on_config(config: MkDocsConfig, **_: Any) -> MkDocsConfig:
    config.nav = _site().nav
    return config


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    for path, content in _site().pages.items():
        files.append(File.generated(config, path, content=content))
    return files


def on_page_markdown(markdown: str, *, page: Page, **_: Any) -> str:
    """Committed docs/ pages: links to repository files point at their site page, or become their path."""
    if page.file.generated_by is not None:
        return markdown
    site = _site()
    pages = {*site.pages, *site.sources.values()}
    return relinker(ROOT, site.sources, pages)(markdown, f"{DOCS}/{page.file.src_uri}", page.file.src_uri)
