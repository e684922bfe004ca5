"""Server-side SVG plots on a value axis: a line over years, and box rows of distributions."""

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import Markup, escape

from dashboard.svg import (
    AXIS,
    GREEN_1,
    GREEN_2,
    GREEN_3,
    GRID,
    LABEL_W,
    RED,
    RIGHT,
    WIDTH,
    Marker,
    Series,
    draw_legend,
    fit,
    num,
    open_svg,
    text,
)


@dataclass(frozen=True)
class BoxRow:
    """One distribution: whiskers from min to max, box from P20 to P80, median, reference."""

    label: str
    unit: str
    count: int
    minimum: float
    p20: float
    median: float
    p80: float
    maximum: float
    reference: float | None


def line_chart(
    chart_id: str,
    points: Sequence[tuple[str, float | None]],
    *,
    title: str,
    description: str,
    series: Series,
    markers: Sequence[Marker] = (),
    unit: str = "",
) -> Markup:
    """Return a line through the points (None: a gap), with horizontal reference lines."""
    left, plot_h, right = 64, 170, 24
    key, top = draw_legend([series], markers)
    top += 16
    plot_w = WIDTH - left - right
    height = top + plot_h + 30
    known = [v for _label, v in points if v is not None] + [m.value for m in markers]
    low, high = (min(known), max(known)) if known else (0.0, 1.0)
    pad = (high - low) * 0.15 or max(abs(high) * 0.05, 1.0)
    low, high = low - pad, high + pad
    bottom = top + plot_h

    def y_of(value: float) -> float:
        return bottom - (value - low) / (high - low) * plot_h

    slot = plot_w / max(len(points), 1)
    parts = open_svg(chart_id, height, title, description) + key
    for k in range(5):
        value = low + (high - low) * k / 4
        y = y_of(value)
        parts.append(
            f'<line x1="{left}" x2="{WIDTH - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
        )
        parts.append(text(left - 6, y + 4, f"{value:.1f}", anchor="end", size=11))
    if unit:
        parts.append(text(4, top - 8, unit, size=11))
    for m in markers:
        y = y_of(m.value)
        parts.append(
            f'<line class="marker" x1="{left}" x2="{WIDTH - right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{m.colour}" stroke-width="2" stroke-dasharray="4 2">'
            f"<title>{escape(m.label)}: {num(m.value)}</title></line>"
        )
    path, pen_down = [], False
    for n, (label, value) in enumerate(points):
        x = left + n * slot + slot / 2
        parts.append(text(x, bottom + 16, label, anchor="middle", size=11))
        if value is None:
            pen_down = False
            continue
        path.append(f"{'L' if pen_down else 'M'}{x:.1f} {y_of(value):.1f}")
        pen_down = True
    if path:
        parts.append(
            f'<path class="mark" d="{" ".join(path)}" fill="none" stroke="{series.colour}" '
            'stroke-width="2.5"/>'
        )
    for n, (label, value) in enumerate(points):
        if value is not None:
            x = left + n * slot + slot / 2
            parts.append(
                f'<circle class="mark" cx="{x:.1f}" cy="{y_of(value):.1f}" r="4.5" '
                f'fill="{series.colour}"><title>{escape(label)}: {value:.1f}</title></circle>'
            )
    parts.append(
        f'<line x1="{left}" x2="{WIDTH - right}" y1="{bottom}" y2="{bottom}" stroke="{AXIS}"/>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))


def box_rows(
    chart_id: str,
    rows: Sequence[BoxRow],
    *,
    title: str,
    description: str,
    legend: tuple[str, str, str],
) -> Markup:
    """Return one box per row, each on its own scale (units differ), with its ends labelled.

    `legend` names the box (P20–P80), the median and the reference factor.
    """
    plot_w = WIDTH - LABEL_W - RIGHT
    box, median, reference = legend
    key, top = draw_legend([Series(box, GREEN_1), Series(median, GREEN_3)], [Marker(0, reference)])
    row_h, top = 36, top + 6
    height = top + row_h * max(len(rows), 1) + 8
    parts = open_svg(chart_id, height, title, description) + key
    for n, row in enumerate(rows):
        y = top + n * row_h
        mid = y + 12
        ends = [row.minimum, row.maximum] + ([row.reference] if row.reference is not None else [])
        low, high = min(ends), max(ends)
        pad = (high - low) * 0.04 or max(abs(high) * 0.05, 1.0)
        low, high = low - pad, high + pad

        def x_of(value: float, low=low, high=high) -> float:
            return LABEL_W + (value - low) / (high - low) * plot_w

        label = f"{row.label} (n={row.count})"
        parts.append(text(LABEL_W - 8, mid + 4, fit(label, LABEL_W - 12), anchor="end"))
        parts.append(
            f'<line x1="{x_of(row.minimum):.1f}" x2="{x_of(row.maximum):.1f}" y1="{mid}" '
            f'y2="{mid}" stroke="{AXIS}" stroke-width="1.5"/>'
        )
        for end in (row.minimum, row.maximum):
            parts.append(
                f'<line x1="{x_of(end):.1f}" x2="{x_of(end):.1f}" y1="{mid - 6}" y2="{mid + 6}" '
                f'stroke="{AXIS}" stroke-width="1.5"/>'
            )
        summary = _(
            "%(label)s: minimum %(minimum)s, 20th percentile %(p20)s, median %(median)s, "
            "80th percentile %(p80)s, maximum %(maximum)s %(unit)s",
            label=row.label,
            minimum=num(row.minimum),
            p20=num(row.p20),
            median=num(row.median),
            p80=num(row.p80),
            maximum=num(row.maximum),
            unit=row.unit,
        )
        parts.append(
            f'<rect class="mark" x="{x_of(row.p20):.1f}" y="{mid - 9}" '
            f'width="{max(x_of(row.p80) - x_of(row.p20), 2):.1f}" height="18" '
            f'fill="{GREEN_1}" stroke="{GREEN_2}"><title>{escape(summary)}</title></rect>'
        )
        parts.append(
            f'<line class="mark" x1="{x_of(row.median):.1f}" x2="{x_of(row.median):.1f}" '
            f'y1="{mid - 9}" y2="{mid + 9}" stroke="{GREEN_3}" stroke-width="3"/>'
        )
        if row.reference is not None:
            x = x_of(row.reference)
            parts.append(
                f'<line class="marker" x1="{x:.1f}" x2="{x:.1f}" y1="{mid - 13}" y2="{mid + 13}" '
                f'stroke="{RED}" stroke-width="2" stroke-dasharray="4 2">'
                f"<title>{escape(reference)}: {num(row.reference)} {escape(row.unit)}</title>"
                "</line>"
            )
        parts.append(text(LABEL_W, mid + 22, num(low + pad), size=10))
        parts.append(
            text(WIDTH - RIGHT, mid + 22, f"{num(high - pad)} {row.unit}", anchor="end", size=10)
        )
    parts.append("</svg>")
    return Markup("".join(parts))
