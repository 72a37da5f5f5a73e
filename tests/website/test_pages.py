"""The generated pages say what their data says: every operation, quirk and error family appears where it should,
and spec text cannot add code to a page (a fetched spec is hostile input)."""

from __future__ import annotations

import copy
import functools
import re
from pathlib import Path

import pytest

from docsite.examples import example
from docsite.quirks import LEDGER_TESTS, read_probes
from docsite.reference import error_families, operation_page
from docsite.site import Site, build
from specforge.apis import find_root, load_apis
from specforge.openapi import iter_operations
from specforge.patched import load_patched
from specforge.pipeline import load_overlays
from specforge.readme import code_blocks

ROOT = find_root(anchor=Path(__file__))
APIS = load_apis(ROOT)


@functools.cache
def _site() -> Site:
    return build(ROOT)


def _page(path: str) -> str:
    page = _site().pages[path]
    assert isinstance(page, str), path
    return page


@pytest.mark.parametrize("api", sorted(APIS))
def test_every_operation_has_a_page_listing_its_statuses_and_the_families_the_sdk_raises(api: str) -> None:
    document = load_patched(api).document
    families = error_families(APIS[api])
    overview = _page(f"api/{api}/index.md")
    for operation in iter_operations(document):
        page = _page(f"api/{api}/operations/{operation.operation_id}.md")
        assert f"(operations/{operation.operation_id}.md)" in overview
        for status in operation.node.get("responses", {}):
            assert re.search(rf"^\| {re.escape(str(status))} \|", page, re.M), f"{operation.operation_id}: {status}"
            mapped = [f.name for f in families if f.http_status is not None and str(f.http_status) == str(status)]
            for name in mapped:  # e.g. 401 → AuthenticationError
                assert re.search(rf"^\| {status} \| `{name}` \|", page, re.M), f"{operation.operation_id}: {name}"
    for family in families:
        assert f"| `{family.name}` |" in overview


@pytest.mark.parametrize("api", sorted(APIS))
def test_the_ledger_page_gives_each_quirk_its_fix_and_its_probe(api: str) -> None:
    page = _page(f"api/{api}/quirks.md")
    probes = read_probes(ROOT / "tests" / "ledger" / f"probes_{api}.py")
    quirks = {action.quirk for overlay in load_overlays(APIS[api]) for action in overlay.actions if action.quirk}
    assert quirks and quirks <= set(probes), "every quirk has a probe (tests/ledger says so too)"
    sections = dict(re.findall(r"^## (\S+)\n(.*?)(?=^## |\Z)", page, re.M | re.S))
    for quirk in quirks:
        section = sections.get(quirk, "")
        assert f"Probe `{probes[quirk].function}`" in section, quirk
        assert f"{LEDGER_TESTS[0]}[{api}:{quirk}]" in section, quirk
        assert "Fix: **" in section, quirk


def test_spec_text_cannot_add_code_to_an_operation_page() -> None:
    api = next(name for name in sorted(APIS) if APIS[name].sdk is not None)
    document = copy.deepcopy(load_patched(api).document)
    operation = next(iter_operations(document))
    hostile = "Read me.\n\n```python\nimport os\nos.remove('x')\n```\n<script>alert(1)</script>"
    operation.node["description"] = hostile
    operation.node["summary"] = "```python"
    page = operation_page(APIS[api], document, operation, error_families(APIS[api]))
    assert [body for info, body in code_blocks(page) if info == "python"] == [example(APIS[api], document, operation)]
    assert "<script>" not in page
