"""Server-drawn SVG of a category's spread: its histogram, and values against its percentiles."""

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from catalog.category_statistics import CategoryStatistics
from catalog.charts import COLOURS, HEIGHT, WIDTH, Scale, bin_bars, marker_line

_FONT = 'font-family="sans-serif" font-size="11"'


def _open(chart_id: str, width: float, height: float, title: str, description: str) -> str:
    return (
        f'<svg class="gwp-chart" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width} {height:.0f}" width="{width}" height="{height:.0f}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" data-testid="{chart_id}">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
    )


def _label(x: float, y: float, text: str, anchor: str = "middle", fill: str = "axis") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" {_FONT} '
        f'fill="{COLOURS.get(fill, fill)}">{escape(text)}</text>'
    )


def spread_chart(stats: CategoryStatistics, *, title: str, description: str, unit: str) -> Markup:
    """Return the histogram of the group's GWP with every decile, P20, P80 and reference marked."""
    if not stats.count:
        return Markup("")
    points = [stats.minimum, stats.maximum]
    if stats.reference is not None:
        points.append(stats.reference)
    low, high = min(points), max(points)
    pad = (high - low) * 0.05 or max(abs(high) * 0.05, 1.0)
    scale = Scale(max(low - pad, 0.0) if low >= 0 else low - pad, high + pad)
    parts = [_open("spread-chart", WIDTH, HEIGHT, title, description)]
    parts += bin_bars(list(stats.bins), scale)
    for p, value in stats.percentiles.items():
        if p in (20, 80):
            continue
        parts.append(
            f'<line class="mark-decile" x1="{scale.x(value):.1f}" x2="{scale.x(value):.1f}" '
            f'y1="{HEIGHT - 34}" y2="{HEIGHT - 26}" stroke="{COLOURS["axis"]}"><title>'
            f"P{p}: {value:.4g}</title></line>"
        )
    parts.append(marker_line(scale.x(stats.target), "target", dash="5 3"))
    parts.append(marker_line(scale.x(stats.conservative), "conservative", dash="5 3"))
    if stats.reference is not None:
        parts.append(marker_line(scale.x(stats.reference), "reference", width=2.5))
    parts.append(_label(scale.x(scale.low), HEIGHT - 10, f"{scale.low:.4g}", "start"))
    parts.append(_label(scale.x(scale.high), HEIGHT - 10, f"{scale.high:.4g}", "end"))
    parts.append(_label(WIDTH / 2, HEIGHT - 10, unit))
    parts.append("</svg>")
    return Markup("".join(parts))


@dataclass(frozen=True)
class Benchmark:
    """A value (a product's or a list's GWP) beside its category's P20, P80 and reference."""

    label: str
    value: float
    unit: str
    target: float | None
    conservative: float | None
    reference: float | None


_ROW_H, _LABEL_W, _BAR_W, _TOP = 34, 190, 330, 8


def benchmark_chart(
    rows: Sequence[Benchmark], *, chart_id: str, title: str, description: str
) -> Markup:
    """Return one bar per row, each on its own scale, with the row's P20, P80 and reference."""
    width = _LABEL_W + _BAR_W + 20
    height = _TOP + _ROW_H * max(len(rows), 1) + 6
    parts = [_open(chart_id, width, height, title, description)]
    for n, row in enumerate(rows):
        y = _TOP + n * _ROW_H
        marks = [m for m in (row.target, row.conservative, row.reference) if m is not None]
        high = max([row.value, *marks]) * 1.1 or 1.0

        def x(value: float, high: float = high) -> float:
            return _LABEL_W + max(value, 0.0) / high * _BAR_W

        label = row.label if len(row.label) <= 24 else row.label[:23] + "…"
        parts.append(_label(_LABEL_W - 8, y + 15, label, "end"))
        parts.append(
            f'<rect class="benchmark-bar" x="{_LABEL_W}" y="{y + 4}" '
            f'width="{x(row.value) - _LABEL_W:.1f}" height="14" fill="{COLOURS["dot"]}">'
            f"<title>{escape(row.label)}: {row.value:.4g} {escape(row.unit)}</title></rect>"
        )
        parts.append(_label(_LABEL_W, y + 30, f"{row.value:.4g} {row.unit}", "start"))
        for name, value in (
            ("target", row.target),
            ("conservative", row.conservative),
            ("reference", row.reference),
        ):
            if value is None:
                continue
            parts.append(
                f'<line class="mark-{name}" x1="{x(value):.1f}" x2="{x(value):.1f}" '
                f'y1="{y}" y2="{y + 22}" stroke="{COLOURS[name]}" stroke-width="2.5">'
                f"<title>{value:.4g}</title></line>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))
