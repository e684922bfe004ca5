"""A small server-side SVG chart: a product's GWP against its category's distribution."""

from dataclasses import dataclass

from markupsafe import Markup, escape

from catalog.chart_axes import place_labels, range_ticks, text_width
from catalog.stats import Bin, Standing, histogram

WIDTH = 560
_LEFT, _RIGHT, _BOTTOM = 14, 14, 38
_PLOT_W = WIDTH - _LEFT - _RIGHT
_PLOT_H = 104
# Marker labels sit in lanes above the plot; the product's arrowhead takes the space below them.
_LANE_H, _LABEL_SIZE, _HEAD = 14, 11, 16
MAX_BINS = 12
# Up to this many products each is drawn as a dot; more are summarised as a histogram.
MAX_DOTS = 40
_DOT = 4.0

# Presentation attributes, not CSS: the chart must look the same wherever it is embedded.
COLOURS = {
    "bar": "#cfe3d6",
    "dot": "#7fb394",
    "band": "#e8f3ec",
    "axis": "#5d6b64",
    "target": "#1f6f4a",
    "conservative": "#b7791f",
    "reference": "#b3261e",
    "product": "#1d2521",
}
# Text needs more contrast than a line: the amber label is drawn darker than its line.
LABEL_COLOURS = {**COLOURS, "conservative": "#7a4f00"}
MARKERS = ("target", "conservative", "reference", "product")


@dataclass(frozen=True)
class Scale:
    """Maps GWP values onto the chart's x axis."""

    low: float
    high: float

    def x(self, value: float) -> float:
        """Return the x coordinate of a value."""
        return _LEFT + (value - self.low) / (self.high - self.low) * _PLOT_W


def chart_scale(standing: Standing) -> Scale:
    """Return an x scale covering the category's values, the product and the reference."""
    points = [standing.minimum, standing.maximum, standing.value]
    if standing.reference is not None:
        points.append(standing.reference)
    low, high = min(points), max(points)
    pad = (high - low) * 0.05 or max(abs(high) * 0.05, 1.0)
    return Scale(max(low - pad, 0.0) if low >= 0 else low - pad, high + pad)


def _num(value: float) -> str:
    return f"{value:.4g}"


def _line(x: float, name: str, top: float, *, dash: str = "", width: float = 2.0) -> str:
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<line class="mark-{name}" x1="{x:.1f}" x2="{x:.1f}" y1="{top - 6}" '
        f'y2="{top + _PLOT_H}" stroke="{COLOURS[name]}" stroke-width="{width}"{dashes}/>'
    )


def _text(x: float, y: float, content: str, *, colour: str, anchor: str = "start", cls="") -> str:
    kind = f' class="{cls}"' if cls else ""
    return (
        f'<text{kind} x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-family="sans-serif" '
        f'font-size="{_LABEL_SIZE}" fill="{colour}">{escape(content)}</text>'
    )


def _marker_labels(values: dict[str, float], names: dict[str, str], scale: "Scale"):
    """Return the label texts and their places (no two overlap) and the number of lanes."""
    keys = [k for k in MARKERS if k in values and k in names]
    texts = {k: f"{names[k]} {_num(values[k])}" for k in keys}
    placed = place_labels(
        [(scale.x(values[k]), text_width(texts[k], _LABEL_SIZE)) for k in keys],
        left=0,
        right=WIDTH,
    )
    lanes = max((p.lane for p in placed), default=-1) + 1
    return list(zip(keys, placed, strict=True)), texts, lanes


def _axis(scale: "Scale", axis_y: float, unit: str) -> list[str]:
    """Return the axis's ticks with their numbers, and the unit under them."""
    out = []
    for tick in range_ticks(scale.low, scale.high):
        x = scale.x(tick)
        out.append(
            f'<line class="tick" x1="{x:.1f}" x2="{x:.1f}" y1="{axis_y}" y2="{axis_y + 4}" '
            f'stroke="{COLOURS["axis"]}" stroke-width="1"/>'
        )
        out.append(_text(x, axis_y + 15, _num(tick), colour=COLOURS["axis"], anchor="middle"))
    out.append(_text(WIDTH / 2, axis_y + 31, unit, colour=COLOURS["axis"], anchor="middle"))
    return out


def _bars(bins: list[Bin], scale: Scale, top: float) -> list[str]:
    tallest = max(b.count for b in bins) or 1
    out = []
    for b in bins:
        if not b.count:
            continue
        x0, x1 = scale.x(b.low), scale.x(b.high)
        h = b.count / tallest * (_PLOT_H - 8)
        out.append(
            f'<rect class="bin" x="{x0 + 0.5:.1f}" y="{top + _PLOT_H - h:.1f}" '
            f'width="{max(x1 - x0 - 1, 1):.1f}" height="{h:.1f}" fill="{COLOURS["bar"]}">'
            f"<title>{_num(b.low)}–{_num(b.high)}: {b.count}</title></rect>"
        )
    return out


def _dots(values: list[float], scale: Scale, top: float) -> list[str]:
    out, stacks = [], {}
    for value in sorted(values):
        x = scale.x(value)
        column = round(x / (2 * _DOT))
        level = stacks[column] = stacks.get(column, -1) + 1
        y = top + _PLOT_H - _DOT - 1 - level * 2 * _DOT
        if y < top:
            continue  # a very tall stack is cut at the top of the plot
        out.append(
            f'<circle class="peer" cx="{x:.1f}" cy="{y:.1f}" r="{_DOT - 0.5}" '
            f'fill="{COLOURS["dot"]}"><title>{_num(value)}</title></circle>'
        )
    return out


def gwp_chart(
    standing: Standing,
    values: list[float],
    *,
    title: str,
    description: str,
    unit: str,
    labels: dict[str, str] | None = None,
) -> Markup:
    """Return the SVG chart of the category's GWP values with the product and markers.

    `labels` names the markers (target, conservative, reference, product); each named marker
    gets its name and value above the plot, in lanes so that no two labels overlap.
    """
    scale = chart_scale(standing)
    marks = {
        "target": standing.target,
        "conservative": standing.conservative,
        "product": standing.value,
    }
    if standing.reference is not None:
        marks["reference"] = standing.reference
    placed, texts, lanes = _marker_labels(marks, labels or {}, scale)
    top = 6 + lanes * _LANE_H + _HEAD
    height = top + _PLOT_H + _BOTTOM
    peers = (
        _dots(values, scale, top)
        if len(values) <= MAX_DOTS
        else _bars(histogram(values, MAX_BINS), scale, top)
    )
    axis_y = top + _PLOT_H
    parts = [
        f'<svg class="gwp-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" '
        'aria-labelledby="gwp-chart-title gwp-chart-desc" data-testid="gwp-chart">',
        f'<title id="gwp-chart-title">{escape(title)}</title>',
        f'<desc id="gwp-chart-desc">{escape(description)}</desc>',
        f'<rect class="band" x="{scale.x(standing.target):.1f}" y="{top}" '
        f'width="{max(scale.x(standing.conservative) - scale.x(standing.target), 0):.1f}" '
        f'height="{_PLOT_H}" fill="{COLOURS["band"]}"/>',
        *peers,
        f'<line x1="{_LEFT}" x2="{WIDTH - _RIGHT}" y1="{axis_y}" y2="{axis_y}" '
        f'stroke="{COLOURS["axis"]}" stroke-width="1"/>',
        _line(scale.x(standing.target), "target", top, dash="5 3"),
        _line(scale.x(standing.conservative), "conservative", top, dash="5 3"),
    ]
    if standing.reference is not None:
        parts.append(_line(scale.x(standing.reference), "reference", top, width=2.5))
    px = scale.x(standing.value)
    parts += [
        _line(px, "product", top, width=3.0),
        f'<path class="mark-product-head" d="M{px - 6:.1f} {top - 12} L{px + 6:.1f} {top - 12} '
        f'L{px:.1f} {top - 3} Z" fill="{COLOURS["product"]}"/>',
    ]
    for key, place in placed:
        y = top - _HEAD - 4 - place.lane * _LANE_H
        parts.append(
            _text(place.left, y, texts[key], colour=LABEL_COLOURS[key], cls=f"label-{key}")
        )
    parts += _axis(scale, axis_y, unit)
    parts.append("</svg>")
    return Markup("".join(parts))


# The category spread chart (catalog/spread_charts.py) has a fixed height and draws its
# marker labels in a legend, not above the plot.
HEIGHT = 150
SPREAD_TOP = 16


def marker_line(x: float, name: str, *, dash: str = "", width: float = 2.0) -> str:
    """Return a vertical marker line across the spread chart's plot in the colour of `name`."""
    return _line(x, name, SPREAD_TOP, dash=dash, width=width)


def bin_bars(bins: list[Bin], scale: Scale) -> list[str]:
    """Return the spread chart's histogram bars, each with its range and count as a title."""
    return _bars(bins, scale, SPREAD_TOP)
