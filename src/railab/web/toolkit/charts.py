"""Inline SVG charts for the results page: a radar of scores and the risk matrix.

No script and no style attribute (the content-security policy allows neither): colours
are SVG presentation attributes. Each chart names itself for assistive technology, and
the page puts a table of the same numbers beside it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def _f(x: float) -> str:
    return f"{x:.1f}"


def radar_svg(
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    title: str,
    size: int = 420,
) -> SafeString:
    """A radar chart of scores from 0 to 100; ``labels`` are short axis marks (the row
    numbers of the table beside the chart, which names them in full)."""
    n = len(labels)
    cx = cy = size / 2
    radius = size / 2 - 40
    if n < 3:
        return mark_safe("")

    def point(i: int, r: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    parts = [
        f'<svg class="radar" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for ring in (25, 50, 75, 100):
        pts = " ".join(
            f"{_f(x)},{_f(y)}" for x, y in (point(i, radius * ring / 100) for i in range(n))
        )
        parts.append(f'<polygon points="{pts}" fill="none" stroke="#c5ccd6" stroke-width="1"/>')
        x, y = point(0, radius * ring / 100)
        parts.append(
            f'<text x="{_f(x + 4)}" y="{_f(y + 4)}" font-size="10" fill="#4f5966">{ring}</text>'
        )
    for i in range(n):
        x, y = point(i, radius)
        parts.append(
            f'<line x1="{_f(cx)}" y1="{_f(cy)}" x2="{_f(x)}" y2="{_f(y)}" stroke="#c5ccd6"/>'
        )
        lx, ly = point(i, radius + 18)
        parts.append(
            f'<text x="{_f(lx)}" y="{_f(ly + 4)}" font-size="13" font-weight="700" '
            f'text-anchor="middle" fill="#12355b">{escape(labels[i])}</text>'
        )
    pts = " ".join(
        f"{_f(x)},{_f(y)}"
        for x, y in (point(i, radius * (v or 0.0) / 100) for i, v in enumerate(values))
    )
    parts.append(
        f'<polygon points="{pts}" fill="#1f5f99" fill-opacity="0.25" stroke="#1f5f99" '
        'stroke-width="2"/>'
    )
    for i, v in enumerate(values):
        if v is None:
            continue
        x, y = point(i, radius * v / 100)
        parts.append(f'<circle cx="{_f(x)}" cy="{_f(y)}" r="3.5" fill="#12355b"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  (every text in it is escaped above)


@dataclass(frozen=True)
class MatrixCellView:
    likelihood: int
    impact: int
    colour: str
    residual: int
    inherent: int


def matrix_svg(
    cells: Sequence[MatrixCellView],
    *,
    rows: int,
    cols: int,
    title: str,
    likelihood_label: str,
    impact_label: str,
) -> SafeString:
    """The risk matrix as a heatmap: residual risks per cell, inherent in brackets."""
    cell = 64
    left, top = 56, 10
    width, height = left + cols * cell + 10, top + rows * cell + 50
    parts = [
        f'<svg class="matrix" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for c in cells:
        x: float = left + (c.impact - 1) * cell
        y: float = top + (rows - c.likelihood) * cell
        parts.append(
            f'<rect x="{x}" y="{y}" width="{cell - 3}" height="{cell - 3}" rx="4" '
            f'fill="{escape(c.colour)}"/>'
        )
        label = str(c.residual) if c.residual else ""
        if c.inherent:
            label = f"{label} [{c.inherent}]".strip()
        if label:
            parts.append(
                f'<text x="{x + (cell - 3) / 2}" y="{y + cell / 2 + 3}" font-size="15" '
                f'font-weight="700" text-anchor="middle" fill="#ffffff">{escape(label)}</text>'
            )
    for i in range(1, rows + 1):
        ty = top + (rows - i) * cell + cell / 2 + 3
        parts.append(
            f'<text x="{left - 10}" y="{ty}" font-size="12" text-anchor="end" '
            f'fill="#1b1f24">{i}</text>'
        )
    for j in range(1, cols + 1):
        tx = left + (j - 1) * cell + (cell - 3) / 2
        parts.append(
            f'<text x="{tx}" y="{top + rows * cell + 16}" font-size="12" text-anchor="middle" '
            f'fill="#1b1f24">{j}</text>'
        )
    parts.append(
        f'<text x="{left + cols * cell / 2}" y="{top + rows * cell + 38}" font-size="13" '
        f'text-anchor="middle" fill="#1b1f24">{escape(impact_label)} →</text>'
    )
    parts.append(
        f'<text x="14" y="{top + rows * cell / 2}" font-size="13" text-anchor="middle" '
        f'fill="#1b1f24" transform="rotate(-90 14 {top + rows * cell / 2})">'
        f"{escape(likelihood_label)} →</text>"
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  (every text in it is escaped above)
