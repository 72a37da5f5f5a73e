"""The benchmarks page: BENCHMARKS.md as published, after a chart drawn here from BENCHMARKS.json.

The chart is an inline SVG written at build time (no charting library, no CDN: the site works offline):
one bar per figure, ours / anchor on a log scale, 1x marked, coloured by whether the target is met.
"""

from __future__ import annotations

import html
import json
import math
from pathlib import Path
from typing import Any

__all__ = ["chart_svg", "load_figures"]

_WIDTH, _LABEL, _ROW, _TOP = 760, 360, 22, 34
_LOW, _HIGH = 0.1, 10.0  # the ratio axis; ratios outside are drawn at its edge
_COLOURS = {True: "#2e7d32", False: "#c62828", None: "#78909c"}


def load_figures(path: Path) -> list[dict[str, Any]]:
    """The figures of BENCHMARKS.json that have a ratio to their anchor."""
    data = json.loads(path.read_text(encoding="utf-8"))
    figures = data.get("figures", []) if isinstance(data, dict) else []
    return [f for f in figures if isinstance(f, dict) and isinstance(f.get("ratio"), int | float) and f["ratio"] > 0]


def _x(ratio: float) -> float:
    clamped = min(max(ratio, _LOW), _HIGH)
    span = math.log10(_HIGH) - math.log10(_LOW)
    return _LABEL + (math.log10(clamped) - math.log10(_LOW)) / span * (_WIDTH - _LABEL - 60)


def chart_svg(figures: list[dict[str, Any]]) -> str:
    """An SVG bar chart of ours / anchor per figure (log scale), with an accessible title per bar."""
    height = _TOP + _ROW * len(figures) + 30
    one = _x(1.0)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" width="{_WIDTH}" height="{height}" '
        f'viewBox="0 0 {_WIDTH} {height}" '
        f'role="img" aria-label="ours / anchor per benchmark figure">',
        f'<text x="{_LABEL}" y="16" font-size="12">ours ÷ anchor (log scale); green: target met, red: missed, '
        "grey: reported only</text>",
    ]
    for tick in (0.1, 0.3, 1, 3, 10):
        x = _x(tick)
        parts.append(
            f'<line x1="{x:.1f}" y1="{_TOP - 6}" x2="{x:.1f}" y2="{height - 24}" stroke="#ccc" '
            f'stroke-width="{2 if tick == 1 else 1}"/><text x="{x:.1f}" y="{height - 8}" font-size="11" '
            f'text-anchor="middle">{tick:g}×</text>'
        )
    for row, figure in enumerate(figures):
        y = _TOP + row * _ROW
        ratio = float(figure["ratio"])
        end = _x(ratio)
        name = str(figure.get("name", ""))
        label = name if len(name) <= 56 else name[:55] + "…"
        colour = _COLOURS.get(figure.get("met"), _COLOURS[None])
        title = html.escape(f"{name}: {ratio:.2f}× (target {figure.get('target', '—')})")
        parts.append(
            f'<g><title>{title}</title><text x="{_LABEL - 8}" y="{y + 14}" font-size="11" text-anchor="end">'
            f"{html.escape(label)}</text>"
            f'<rect x="{min(one, end):.1f}" y="{y + 3}" width="{max(abs(end - one), 1):.1f}" height="{_ROW - 8}" '
            f'fill="{colour}"/><text x="{max(one, end) + 4:.1f}" y="{y + 14}" font-size="11">{ratio:.2f}×</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)
