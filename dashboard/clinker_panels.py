"""The clinker panels: capacity at the benchmark, and energy per tonne by year."""

from flask_babel import gettext as _

from accounts.divisions import division_name
from dashboard import svg, svg_plots
from dashboard.arithmetic import number, percent, shown_number
from dashboard.clinker import CLINKER_UNIT, CapacityTally
from dashboard.panel_base import Context, Panel, Table

# --- clinker ----------------------------------------------------------------------------------


def _area(tally: CapacityTally) -> str:
    return division_name(tally.area) if tally.area else _("Guizhou province")


def clinker_benchmark(ctx: Context) -> Panel:
    """Capacity at the benchmark level against the 30 % target, province (and divisions)."""
    figures = ctx.clinker
    tallies = [figures.province]
    if ctx.admin:
        tallies += [t for t in figures.divisions if t.plants]
    title = _("Clinker capacity at the energy-efficiency benchmark (%(year)s)", year=figures.year)
    table = Table(
        [
            _("Area"),
            _("Plants"),
            _("Plants reporting"),
            _("Registered capacity (t/a)"),
            _("Capacity reporting (t/a)"),
            _("Capacity at benchmark (t/a)"),
            _("At benchmark, of registered capacity (%)"),
            _("At benchmark, of reporting capacity (%)"),
            _("Capacity reporting (%)"),
            _("Capacity-weighted clinker energy (kgce/t)"),
        ],
        [
            [
                _area(t),
                str(t.plants),
                str(t.reported_plants),
                number(t.registered, 0),
                number(t.reported, 0),
                number(t.at_benchmark, 0),
                percent(t.share),
                percent(t.share_of_reported),
                percent(t.reported_share),
                number(t.mean),
            ]
            for t in tallies
        ],
    )
    rows = []
    for t in tallies:
        whole = t.registered or 1.0
        rows.append(
            svg.Row(
                _area(t),
                (
                    t.at_benchmark / whole,
                    (t.reported - t.at_benchmark) / whole,
                    (t.registered - t.reported) / whole,
                ),
            )
        )
    series = [
        svg.Series(
            _("At or better than %(value)s kgce/t", value=number(figures.benchmark, 0)), svg.GREEN_3
        ),
        svg.Series(_("Worse than the benchmark"), svg.AMBER),
        svg.Series(_("Not reported"), svg.GREY),
    ]
    target = figures.targets.benchmark_share_target
    marker = svg.Marker(target, _("Target ≥ %(share)s%%", share=percent(target, 0)))
    chart = svg.hbars(
        "clinker-benchmark",
        rows,
        series,
        title=title,
        description=_(
            "Share of registered clinker capacity at or better than the benchmark level "
            "(GB 16780-2021 level 1), worse than it, and not reported."
        ),
        percent=True,
        markers=[marker],
    )
    note = _(
        "Benchmark: %(value)s kgce/t, GB 16780-2021 level 1 (the NDRC benchmark level). A plant "
        "counts with its capacity in t/a; a daily capacity counts %(days)s operating days.",
        value=number(figures.benchmark, 0),
        days=figures.targets.operating_days,
    )
    return Panel("clinker-benchmark", title, chart, table, note)


def clinker_intensity(ctx: Context) -> Panel:
    """The capacity-weighted clinker energy by year against the base year and the target."""
    figures = ctx.clinker
    targets = figures.targets
    title = _("Capacity-weighted clinker energy by year")
    table = Table(
        [
            _("Year"),
            _("Plants reporting"),
            _("Capacity reporting (t/a)"),
            _("Capacity-weighted clinker energy (kgce/t)"),
            _("Below the base year (%)"),
        ],
        [
            [
                str(y.year),
                str(y.plants),
                number(y.capacity, 0),
                number(y.mean),
                percent(targets.reduction(y.mean)),
            ]
            for y in figures.trend
        ],
    )
    markers = [
        svg.Marker(
            targets.base_value,
            _(
                "Base year %(year)s: %(value)s",
                year=targets.base_year,
                value=number(targets.base_value),
            ),
            svg.GREY,
        ),
        svg.Marker(
            targets.target_value,
            _(
                "Target −%(share)s%%: %(value)s",
                share=percent(targets.reduction_target, 0),
                value=number(targets.target_value),
            ),
            svg.RED,
        ),
        svg.Marker(figures.benchmark, _("Benchmark"), svg.GREEN_3),
    ]
    chart = svg_plots.line_chart(
        "clinker-intensity",
        [(str(y.year), y.mean) for y in figures.trend],
        title=title,
        description=title,
        series=svg.Series(_("Capacity-weighted mean"), svg.BLUE),
        markers=markers,
        unit=CLINKER_UNIT,
    )
    # The reader learns where the base figure comes from, not which file holds it.
    note = _(
        "Target: at least %(share)s%% below the base year %(year)s (%(value)s kgce/t). The "
        "base-year figure is this platform's estimate, not an official statistic.",
        share=percent(targets.reduction_target, 0),
        year=targets.base_year,
        value=shown_number(targets.base_value),
    )
    return Panel("clinker-intensity", title, chart, table, note)
