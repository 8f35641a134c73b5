"""Inline SVG pictures for the HTML report: heat maps on the methodology's grid and line
charts of the posture over time. Plain SVG 1.1 (no script, no external reference); a
cell's or point's details are in a <title> (the browser shows it on hover) and, for
print, in the tables beside each picture. Every text is escaped here (`esc`).
"""

from __future__ import annotations

import datetime
import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from checker.reporters.safe import unicode_safe, visible

# from low to high: a band's colour is picked by its position among the bands
PALETTE = ("#4caf50", "#cddc39", "#ffc107", "#ff9800", "#f44336", "#b71c1c")
NO_BAND = "#bdbdbd"
POINT = "#6a1b9a"  # the posture charts' points, a colour nothing else uses (tests look for it)
SERIES = {"error": "#c62828", "warning": "#ef6c00", "info": "#1565c0"}


def esc(value: str) -> str:
    """Text for HTML or SVG: no control or bidirectional character raw, markup escaped."""
    return html.escape(unicode_safe(visible(value, keep="\n\t")), quote=True)


def band_colours(bands: Sequence[str]) -> dict[str, str]:
    n = len(bands)
    if n == 0:
        return {}
    if n == 1:
        return {bands[0]: PALETTE[0]}
    last = len(PALETTE) - 1
    if n <= 4:  # green, yellow-amber, orange, red: the usual four
        picks = {2: (0, 4), 3: (0, 2, 4), 4: (0, 2, 3, 4)}[n]
        return {b: PALETTE[i] for b, i in zip(bands, picks, strict=True)}
    return {b: PALETTE[round(i * last / (n - 1))] for i, b in enumerate(bands)}


def _text_colour(fill: str) -> str:
    r, g, b = (int(fill[i : i + 2], 16) for i in (1, 3, 5))
    return "#000000" if (r * 299 + g * 587 + b * 114) / 1000 > 140 else "#ffffff"


@dataclass(frozen=True)
class GridCell:
    row: int  # 0 = top
    column: int
    fill: str
    label: str  # shown in the cell (a count)
    title: str  # on hover


def grid(
    title: str,
    rows: Sequence[str],
    columns: Sequence[str],
    cells: Sequence[GridCell],
    y_axis: str,
    x_axis: str,
) -> str:
    size = 64
    left, top = 130, 34
    width = left + size * len(columns) + 10
    height = top + size * len(rows) + 60
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="heatmap" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
        f"<title>{esc(title)}</title>",
        f'<text x="{left}" y="20" class="svg-title">{esc(title)}</text>',
    ]
    for c in cells:
        x, y = left + c.column * size, top + c.row * size
        out.append(
            f'<g><title>{esc(c.title)}</title><rect x="{x}" y="{y}" width="{size - 2}" '
            f'height="{size - 2}" fill="{c.fill}" stroke="#ffffff"/>'
            f'<text x="{x + size // 2 - 1}" y="{y + size // 2 + 6}" text-anchor="middle" '
            f'fill="{_text_colour(c.fill)}" class="count">{esc(c.label)}</text></g>'
        )
    for i, label in enumerate(rows):
        y = top + i * size + size // 2 + 4
        out.append(f'<text x="{left - 6}" y="{y}" text-anchor="end">{esc(label)}</text>')
    for j, label in enumerate(columns):
        x = left + j * size + size // 2
        y = top + len(rows) * size + 16
        out.append(f'<text x="{x}" y="{y}" text-anchor="middle">{esc(label)}</text>')
    out.append(
        f'<text x="{left + size * len(columns) // 2}" y="{height - 12}" text-anchor="middle" '
        f'class="axis">{esc(x_axis)} →</text>'
    )
    out.append(
        f'<text x="12" y="{top + size * len(rows) // 2}" class="axis" '
        f'transform="rotate(-90 12 {top + size * len(rows) // 2})" text-anchor="middle">'
        f"{esc(y_axis)} →</text>"
    )
    out.append("</svg>")
    return "".join(out)


@dataclass(frozen=True)
class Series:
    name: str
    colour: str
    values: tuple[int, ...]


def line_chart(
    title: str,
    days: Sequence[datetime.date],
    labels: Sequence[str],
    series: Sequence[Series],
    markers: Sequence[tuple[datetime.date, str]] = (),
    reference: tuple[int, str] | None = None,
) -> str:
    """A line chart over time: x by date, one line per series, points as circles (with
    their value on hover), markers as dashed vertical lines labelled below the axis."""
    width, height = 700, 250
    left, right, top, bottom = 64, 20, 30, 70
    plot_w, plot_h = width - left - right, height - top - bottom
    first, last = (min(days), max(days)) if days else (datetime.date.min, datetime.date.min)
    span = max(1, (last - first).days)
    high = max([1, *(v for s in series for v in s.values), reference[0] if reference else 0])

    def x(day: datetime.date) -> float:
        if len(days) == 1:
            return left + plot_w / 2
        return left + plot_w * (day - first).days / span

    def y(value: float) -> float:
        return top + plot_h - plot_h * value / high

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}">',
        f"<title>{esc(title)}</title>",
        f'<text x="{left}" y="18" class="svg-title">{esc(title)}</text>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        'stroke="#555555"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#555555"/>',
    ]
    for tick in sorted({0, high // 2, high}):
        out.append(
            f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{tick}</text>'
            f'<line x1="{left}" y1="{y(tick):.1f}" x2="{left + plot_w}" y2="{y(tick):.1f}" '
            'stroke="#e0e0e0"/>'
        )
    if reference is not None:
        value, name = reference
        out.append(
            f'<line x1="{left}" y1="{y(value):.1f}" x2="{left + plot_w}" y2="{y(value):.1f}" '
            f'stroke="#9e9e9e" stroke-dasharray="2,3"><title>{esc(name)}</title></line>'
        )
    for day, name in markers:
        mx = x(day)
        out.append(
            f'<g class="marker"><title>{esc(name)}</title><line x1="{mx:.1f}" y1="{top}" '
            f'x2="{mx:.1f}" y2="{top + plot_h}" stroke="#2e7d32" stroke-dasharray="4,3"/>'
            f'<text x="{mx + 3:.1f}" y="{top + 10}" fill="#2e7d32" class="small">'
            f"{esc(name.split(':', 1)[0])}</text></g>"
        )
    step = max(1, len(days) // 8)
    for i, (day, label) in enumerate(zip(days, labels, strict=True)):
        if i % step == 0 or i == len(days) - 1:
            out.append(
                f'<text x="{x(day):.1f}" y="{top + plot_h + 16}" text-anchor="middle" '
                f'class="small">{esc(label)}</text>'
            )
    for s in series:
        coords = [(x(d), y(v)) for d, v in zip(days, s.values, strict=True)]
        if len(coords) > 1:
            path = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in coords)
            out.append(
                f'<polyline points="{path}" fill="none" stroke="{s.colour}" stroke-width="2"/>'
            )
        for (cx, cy), value, label in zip(coords, s.values, labels, strict=True):
            out.append(
                f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4.5" fill="{POINT}" '
                f'stroke="{s.colour}" stroke-width="1.5"><title>{esc(s.name)} at '
                f"{esc(label)}: {value}</title></circle>"
            )
    for i, s in enumerate(series):
        lx = left + i * 160
        out.append(
            f'<rect x="{lx}" y="{height - 24}" width="12" height="12" fill="{s.colour}"/>'
            f'<text x="{lx + 16}" y="{height - 14}">{esc(s.name)}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def legend(colours: Mapping[str, str], bands: Sequence[tuple[str, int]]) -> str:
    return "".join(
        f'<span class="chip" style="background:{colours[name]};color:'
        f'{_text_colour(colours[name])}">{esc(name)} ≤ {high}</span>'
        for name, high in bands
    )
