"""Server-side SVG charts: shared parts, horizontal bars and columns (plots: `svg_plots`).

Presentation attributes, not CSS, so that a chart looks the same wherever it is embedded (as
`catalog.charts` does); every label is escaped; each mark carries a <title> with its value, and
the chart a <title>/<desc> named by aria-labelledby. No script, no web font.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from catalog.charts import COLOURS as CATALOG_COLOURS

WIDTH = 720
FONT = 'font-family="sans-serif"'
AXIS = CATALOG_COLOURS["axis"]
GRID = "#dfe6e2"
LABEL_W = 230  # left margin for row labels
RIGHT = 64  # right margin for row totals

# Series colours: greens for the stars and the good parts, amber and grey for the rest.
GREEN_1, GREEN_2, GREEN_3 = "#a8d5b9", "#4c9a6e", "#1f6f4a"
AMBER, GREY, RED, BLUE = "#d9a441", "#c7cdca", "#b3261e", "#3b6ea8"


@dataclass(frozen=True)
class Series:
    """One kind of value in a chart: its name (for the legend) and colour."""

    name: str
    colour: str


@dataclass(frozen=True)
class Row:
    """One bar (stacked parts or grouped bars), or one column, with its label."""

    label: str
    values: tuple[float, ...]


@dataclass(frozen=True)
class Marker:
    """A reference line drawn across the plot at a value (a target, a benchmark)."""

    value: float
    label: str
    colour: str = RED


def num(value: float) -> str:
    return f"{value:.4g}" if abs(value) < 1e6 else f"{value:,.0f}"


def text_width(text: str, size: float = 12) -> float:
    """Return a generous estimate of the drawn width of text (CJK characters are 1 em wide)."""
    return sum(size if ord(c) >= 0x2E80 else size * 0.62 for c in text)


def fit(label: str, width: float, size: float = 12) -> str:
    """Return the label, cut with "…" to fit the width (the full label is in a <title>)."""
    if text_width(label, size) <= width:
        return label
    while label and text_width(label + "…", size) > width:
        label = label[:-1]
    return label + "…"


def text(
    x: float, y: float, text: str, *, anchor: str = "start", size: int = 12, fill: str = AXIS
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" {FONT} font-size="{size}" '
        f'fill="{fill}">{escape(text)}</text>'
    )


def open_svg(chart_id: str, height: float, title: str, description: str) -> list[str]:
    return [
        f'<svg class="dashboard-chart" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {WIDTH} {height:.0f}" width="{WIDTH}" height="{height:.0f}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" data-chart="{chart_id}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]


def draw_legend(series: Sequence[Series], markers: Sequence[Marker]) -> tuple[list[str], float]:
    """Return the legend, wrapped to the chart's width, and the height it takes."""
    out, x, y = [], 8.0, 14.0
    items = [(s.name, s.colour, False) for s in series] + [
        (m.label, m.colour, True) for m in markers
    ]
    for name, colour, dashed in items:
        width = 22 + text_width(name, 11) + 14
        if x > 8 and x + width > WIDTH - 8:
            x, y = 8.0, y + 17
        if dashed:
            out.append(
                f'<line x1="{x:.1f}" x2="{x + 14:.1f}" y1="{y - 4}" y2="{y - 4}" '
                f'stroke="{colour}" stroke-width="2" stroke-dasharray="4 2"/>'
            )
        else:
            out.append(f'<rect x="{x:.1f}" y="{y - 10}" width="12" height="12" fill="{colour}"/>')
        out.append(text(x + 18, y, name, size=11))
        x += width
    return out, y + 12


def nice_ticks(high: float, count: int = 4) -> list[float]:
    """Return round tick values from 0 to at least `high`."""
    if high <= 0:
        return [0.0, 1.0]
    raw = high / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    ticks = [0.0]
    while ticks[-1] < high - 1e-9:
        ticks.append(ticks[-1] + step)
    return ticks


def hbars(
    chart_id: str,
    rows: Sequence[Row],
    series: Sequence[Series],
    *,
    title: str,
    description: str,
    stacked: bool = True,
    percent: bool = False,
    markers: Sequence[Marker] = (),
) -> Markup:
    """Return horizontal bars, one per row: stacked parts, or one thin bar per series."""
    plot_w = WIDTH - LABEL_W - RIGHT
    bar_h = 18 if stacked else 10
    row_h = bar_h + 10 if stacked else bar_h * len(series) + 10
    key, top = draw_legend(series, markers)
    top += 8
    height = top + row_h * max(len(rows), 1) + 26
    high = (
        1.0
        if percent
        else max(
            [sum(r.values) if stacked else max(r.values, default=0) for r in rows]
            + [m.value for m in markers]
            + [0]
        )
    )
    ticks = [0, 0.25, 0.5, 0.75, 1.0] if percent else nice_ticks(high)
    scale = plot_w / (ticks[-1] or 1)
    parts = open_svg(chart_id, height, title, description) + key
    bottom = top + row_h * max(len(rows), 1)
    for tick in ticks:
        x = LABEL_W + tick * scale
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top - 4}" y2="{bottom}" stroke="{GRID}"/>'
        )
        shown = f"{tick * 100:.0f}%" if percent else num(tick)
        parts.append(text(x, bottom + 16, shown, anchor="middle", size=11))
    for n, row in enumerate(rows):
        y = top + n * row_h + 4
        parts.append(
            text(LABEL_W - 8, y + row_h / 2 - 1, fit(row.label, LABEL_W - 12), anchor="end")
        )
        x = LABEL_W
        for k, (value, s) in enumerate(zip(row.values, series, strict=True)):
            width = value * scale
            bar_y = y if stacked else y + k * bar_h
            shown = f"{value * 100:.1f}%" if percent else num(value)
            if width > 0:
                parts.append(
                    f'<rect class="mark" x="{x:.1f}" y="{bar_y:.1f}" width="{width:.1f}" '
                    f'height="{bar_h - 1}" fill="{s.colour}"><title>{escape(row.label)} – '
                    f"{escape(s.name)}: {shown}</title></rect>"
                )
            if stacked:
                x += width
        if stacked and not percent:
            parts.append(text(x + 6, y + bar_h - 5, num(sum(row.values)), size=11))
    for m in markers:
        x = LABEL_W + m.value * scale
        parts.append(
            f'<line class="marker" x1="{x:.1f}" x2="{x:.1f}" y1="{top - 4}" y2="{bottom}" '
            f'stroke="{m.colour}" stroke-width="2" stroke-dasharray="4 2">'
            f"<title>{escape(m.label)}</title></line>"
        )
    parts.append(
        f'<line x1="{LABEL_W}" x2="{LABEL_W}" y1="{top - 4}" y2="{bottom}" stroke="{AXIS}"/>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))


def columns(
    chart_id: str,
    rows: Sequence[Row],
    series: Sequence[Series],
    *,
    title: str,
    description: str,
) -> Markup:
    """Return stacked columns, one per row (e.g. a month), labelled underneath."""
    left, plot_h = 48, 180
    key, top = draw_legend(series, ())
    top += 10
    plot_w = WIDTH - left - 16
    height = top + plot_h + 30
    ticks = nice_ticks(max([sum(r.values) for r in rows] + [1]))
    scale = plot_h / ticks[-1]
    slot = plot_w / max(len(rows), 1)
    bottom = top + plot_h
    parts = open_svg(chart_id, height, title, description) + key
    for tick in ticks:
        y = bottom - tick * scale
        parts.append(
            f'<line x1="{left}" x2="{WIDTH - 16}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
        )
        parts.append(text(left - 6, y + 4, num(tick), anchor="end", size=11))
    for n, row in enumerate(rows):
        x = left + n * slot + slot * 0.15
        y = bottom
        for value, s in zip(row.values, series, strict=True):
            h = value * scale
            if h > 0:
                y -= h
                parts.append(
                    f'<rect class="mark" x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" '
                    f'height="{h:.1f}" fill="{s.colour}"><title>{escape(row.label)} – '
                    f"{escape(s.name)}: {num(value)}</title></rect>"
                )
        parts.append(text(x + slot * 0.35, bottom + 16, row.label, anchor="middle", size=10))
    parts.append(
        f'<line x1="{left}" x2="{WIDTH - 16}" y1="{bottom}" y2="{bottom}" stroke="{AXIS}"/>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))
