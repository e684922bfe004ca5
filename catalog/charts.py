"""A small server-side SVG chart: a product's GWP against its category's distribution."""

from dataclasses import dataclass

from markupsafe import Markup, escape

from catalog.stats import Bin, Standing, histogram

WIDTH, HEIGHT = 560, 150
_LEFT, _RIGHT, _TOP, _BOTTOM = 14, 14, 16, 30
_PLOT_W = WIDTH - _LEFT - _RIGHT
_PLOT_H = HEIGHT - _TOP - _BOTTOM
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


def marker_line(x: float, name: str, *, dash: str = "", width: float = 2.0) -> str:
    """Return a vertical marker line across the plot in the colour of `name`."""
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<line class="mark-{name}" x1="{x:.1f}" x2="{x:.1f}" y1="{_TOP - 6}" '
        f'y2="{_TOP + _PLOT_H}" stroke="{COLOURS[name]}" stroke-width="{width}"{dashes}/>'
    )


def bin_bars(bins: list[Bin], scale: Scale) -> list[str]:
    """Return a histogram's bars on the scale, each with its range and count as a title."""
    tallest = max(b.count for b in bins) or 1
    out = []
    for b in bins:
        if not b.count:
            continue
        x0, x1 = scale.x(b.low), scale.x(b.high)
        h = b.count / tallest * (_PLOT_H - 8)
        out.append(
            f'<rect class="bin" x="{x0 + 0.5:.1f}" y="{_TOP + _PLOT_H - h:.1f}" '
            f'width="{max(x1 - x0 - 1, 1):.1f}" height="{h:.1f}" fill="{COLOURS["bar"]}">'
            f"<title>{_num(b.low)}–{_num(b.high)}: {b.count}</title></rect>"
        )
    return out


def _dots(values: list[float], scale: Scale) -> list[str]:
    out, stacks = [], {}
    for value in sorted(values):
        x = scale.x(value)
        column = round(x / (2 * _DOT))
        level = stacks[column] = stacks.get(column, -1) + 1
        y = _TOP + _PLOT_H - _DOT - 1 - level * 2 * _DOT
        if y < _TOP:
            continue  # a very tall stack is cut at the top of the plot
        out.append(
            f'<circle class="peer" cx="{x:.1f}" cy="{y:.1f}" r="{_DOT - 0.5}" '
            f'fill="{COLOURS["dot"]}"><title>{_num(value)}</title></circle>'
        )
    return out


def gwp_chart(
    standing: Standing, values: list[float], *, title: str, description: str, unit: str
) -> Markup:
    """Return the SVG chart of the category's GWP values with the product and markers."""
    scale = chart_scale(standing)
    if len(values) <= MAX_DOTS:
        peers = _dots(values, scale)
    else:
        peers = bin_bars(histogram(values, MAX_BINS), scale)
    axis_y = _TOP + _PLOT_H
    parts = [
        f'<svg class="gwp-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" '
        'aria-labelledby="gwp-chart-title gwp-chart-desc" data-testid="gwp-chart">',
        f'<title id="gwp-chart-title">{escape(title)}</title>',
        f'<desc id="gwp-chart-desc">{escape(description)}</desc>',
        f'<rect class="band" x="{scale.x(standing.target):.1f}" y="{_TOP}" '
        f'width="{max(scale.x(standing.conservative) - scale.x(standing.target), 0):.1f}" '
        f'height="{_PLOT_H}" fill="{COLOURS["band"]}"/>',
        *peers,
        f'<line x1="{_LEFT}" x2="{WIDTH - _RIGHT}" y1="{axis_y}" y2="{axis_y}" '
        f'stroke="{COLOURS["axis"]}" stroke-width="1"/>',
        marker_line(scale.x(standing.target), "target", dash="5 3"),
        marker_line(scale.x(standing.conservative), "conservative", dash="5 3"),
    ]
    if standing.reference is not None:
        parts.append(marker_line(scale.x(standing.reference), "reference", width=2.5))
    px = scale.x(standing.value)
    parts += [
        marker_line(px, "product", width=3.0),
        f'<path class="mark-product-head" d="M{px - 6:.1f} {_TOP - 12} L{px + 6:.1f} {_TOP - 12} '
        f'L{px:.1f} {_TOP - 3} Z" fill="{COLOURS["product"]}"/>',
    ]
    for value, anchor in ((scale.low, "start"), (scale.high, "end")):
        parts.append(
            f'<text x="{scale.x(value):.1f}" y="{HEIGHT - 10}" text-anchor="{anchor}" '
            f'font-family="sans-serif" font-size="11" fill="{COLOURS["axis"]}">'
            f"{_num(value)}</text>"
        )
    parts.append(
        f'<text x="{WIDTH / 2:.1f}" y="{HEIGHT - 10}" text-anchor="middle" '
        f'font-family="sans-serif" font-size="11" fill="{COLOURS["axis"]}">'
        f"{escape(unit)}</text>"
    )
    parts.append("</svg>")
    return Markup("".join(parts))
