"""docsite's Markdown pieces: spec text stays inert, fences hold what they hold, links are rewritten for the site."""

from __future__ import annotations

from xml.etree import ElementTree

import markdown
import pytest

from docsite._markdown import cell, code, fenced, inert, relink, safe_id
from docsite.benchmarks import chart_svg
from specforge.readme import code_blocks

HOSTILE = "Hi\n```python\nimport os; os.system('x')\n```\n<script>alert(1)</script> [x](javascript:alert(1)) | ~~~"


def _html(text: str) -> str:
    """What MkDocs' parser (Python-Markdown) makes of `text`."""
    html: str = markdown.markdown(text, extensions=["tables", "fenced_code"])
    return html


def test_inert_spec_text_opens_no_fence_and_adds_no_html_or_link() -> None:
    page = f"# Page\n\n{inert(HOSTILE)}\n\n{fenced('print(1)', 'python')}\n"
    assert [body for info, body in code_blocks(page) if info == "python"] == ["print(1)\n"]
    html = _html(page)
    assert "<script>" not in html and "<a " not in html and html.count("<code") == 1
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as the spec wrote it


def test_inert_text_renders_as_written() -> None:
    text = "Order #1 (a_b) costs 5.00 * 2 - 1! [note] {x} + `y`"
    assert _html(inert(text)) == f"<p>{text}</p>"


def test_a_cell_is_one_line_and_cannot_split_a_table() -> None:
    spec_text = "x | y\nz"
    table = f"| a | b |\n| --- | --- |\n| {cell(spec_text)} | 2 |"
    assert _html(table).count("<td>") == 2


def test_code_keeps_plain_paths_and_escapes_anything_else() -> None:
    assert code("GET /orders/{orderId}") == "`GET /orders/{orderId}`"
    assert code("a`b") == cell("a`b")


def test_safe_id_refuses_what_is_no_plain_identifier() -> None:
    assert safe_id("getOrder") == "getOrder"
    with pytest.raises(ValueError, match="not a plain identifier"):
        safe_id("../../evil")


def test_a_fence_is_longer_than_any_backtick_run_inside() -> None:
    block = fenced("a ```` b", "text")
    assert block.startswith("`````text\n") and code_blocks(block) == [("text", "a ```` b\n")]


def test_relink_points_at_site_pages_and_turns_other_files_into_paths() -> None:
    source = "src/simulators/mash/README.md"
    text = (
        "[core](../README.md#limits) [test](../../../tests/x.py) [web](https://example.com) [page](other.md)\n"
        "```\n[kept](../README.md)\n```\n"
    )
    site = {"src/simulators/README.md": "simulators/index.md"}
    out = relink(text, source, site, "simulators/mash.md", lambda path: path == "tests/x.py", {"simulators/other.md"})
    assert "[core](index.md#limits)" in out
    assert "test (`tests/x.py`)" in out
    assert "[web](https://example.com)" in out and "[page](other.md)" in out
    assert "[kept](../README.md)" in out  # inside a fence: untouched


def test_the_benchmark_chart_is_one_bar_per_figure_with_names_escaped() -> None:
    figures = [
        {"name": "a <b> & c", "ratio": 0.5, "met": True, "target": "≤ 1×"},
        {"name": "d", "ratio": 30.0, "met": False},  # beyond the axis: drawn at its edge
        {"name": "e", "ratio": 1.2, "met": None},
    ]
    svg = ElementTree.fromstring(chart_svg(figures))  # well-formed: names cannot break out of the markup
    ns = "{http://www.w3.org/2000/svg}"
    titles = [title.text or "" for title in svg.iter(f"{ns}title")]
    assert [title.split(":")[0] for title in titles] == ["a <b> & c", "d", "e"]
    assert len({rect.get("fill") for rect in svg.iter(f"{ns}rect")}) == 3
