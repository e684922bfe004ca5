"""Panels from confirmed annual plant reports: the 30 % across industries, wastes, substitution."""

import math
from collections import defaultdict

from flask_babel import gettext as _

from accounts.divisions import division_name
from catalog.provincial_figures import entered_figures
from catalog.reports.data import report_data
from dashboard import svg
from dashboard.arithmetic import number, percent, share
from dashboard.panel_base import Context, Panel, Table
from dashboard.provincial import benchmark_shares
from greenbm.i18n import localized

# One colour per waste kind, in the data file's order (ten kinds).
WASTE_COLOURS = (
    "#1f6f4a", "#4c9a6e", "#a8d5b9", "#3b6ea8", "#8fb3dc",
    "#d9a441", "#8a6d3b", "#b3261e", "#7d5ba6", "#c7cdca",
)  # fmt: skip


def _industry_name(industry) -> str:
    return localized(industry) if industry else _("All benchmarked industries")


def industry_benchmark(ctx: Context) -> Panel:
    """Capacity at or better than its benchmark, per industry and overall, per year."""
    shares = benchmark_shares(ctx.report_lines)
    years = sorted({s.year for s in shares})
    year = ctx.year if ctx.year in years else (years[-1] if years else None)
    title = _(
        "Capacity at the energy-efficiency benchmark, all industries (%(year)s)", year=year or "–"
    )
    table = Table(
        [
            _("Year"),
            _("Industry"),
            _("Benchmark"),
            _("Capacity reporting"),
            _("At or better than the benchmark"),
            _("Capacity that reported nothing"),
            _("At benchmark (%)"),
        ],
        [
            [
                str(s.year),
                _industry_name(s.industry),
                f"{number(s.industry.benchmark)} {s.industry.energy_unit}" if s.industry else "–",
                number(s.reported, 0) if s.industry else "–",
                number(s.at_benchmark, 0) if s.industry else "–",
                number(s.not_reported, 0) if s.industry else "–",
                percent(s.share),
            ]
            for s in shares
        ],
    )
    rows = []
    for s in (s for s in shares if s.year == year):
        whole = (s.reported + s.not_reported) or 1.0
        parts = (s.at_benchmark, s.reported - s.at_benchmark, s.not_reported)
        rows.append(svg.Row(_industry_name(s.industry), tuple(p / whole for p in parts)))
    target = ctx.targets.benchmark_share_target
    chart = svg.hbars(
        "industry-benchmark",
        rows,
        [
            svg.Series(_("At or better than the benchmark"), svg.GREEN_3),
            svg.Series(_("Worse than the benchmark"), svg.AMBER),
            svg.Series(_("Reported nothing this year"), svg.GREY),
        ],
        title=title,
        description=_("Share of each industry's capacity at or better than its benchmark level."),
        percent=True,
        markers=[svg.Marker(target, _("Target ≥ %(share)s%%", share=percent(target, 0)))],
    )
    unbenchmarked = [localized(i) for i in report_data().industries.values() if i.benchmark is None]
    note = _(
        "From confirmed annual reports only; capacity in each industry's unit. A plant that "
        "reported an industry in another year but not this one counts as reporting nothing, with "
        "its capacity of the nearest year. Overall, each line weighs capacity × benchmark (its "
        "energy at the benchmark). No verified national benchmark yet: %(names)s.",
        names="; ".join(unbenchmarked),
    )
    return Panel("industry-benchmark", title, chart, table, note)


def _waste_panel(ctx: Context, key: str, title: str, heading: str, group) -> Panel:
    kinds = report_data().wastes
    totals: dict[tuple[int, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for row in ctx.report_wastes:
        totals[(row.year, group(row))][row.kind] += row.tonnes
    keys = sorted(totals)
    table = Table(
        [_("Year"), heading, *(localized(k) for k in kinds.values()), _("Total (t)")],
        [
            [
                str(year),
                label,
                *(number(totals[(year, label)].get(code, 0.0), 0) for code in kinds),
                number(math.fsum(totals[(year, label)].values()), 0),
            ]
            for year, label in keys
        ],
    )
    by_year: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for (year, _label), amounts in totals.items():
        for code, tonnes in amounts.items():
            by_year[year][code] += tonnes
    chart = svg.columns(
        key,
        [svg.Row(str(y), tuple(by_year[y].get(c, 0.0) for c in kinds)) for y in sorted(by_year)],
        [svg.Series(localized(k), c) for k, c in zip(kinds.values(), WASTE_COLOURS, strict=True)],
        title=title,
        description=_("Tonnes of solid waste and by-products used, by kind and year."),
    )
    note = _(
        "Tonnes used by the plants of confirmed annual reports; a report's wastes count under "
        "its principal (first) product line's industry."
    )
    return Panel(key, title, chart, table, note)


def waste_by_division(ctx: Context) -> Panel:
    """Tonnes of each solid-waste kind used per year and division."""
    return _waste_panel(
        ctx,
        "waste-division",
        _("Solid waste and by-products used, by division"),
        _("Division"),
        lambda row: division_name(row.division_code),
    )


def waste_by_industry(ctx: Context) -> Panel:
    """Tonnes of each solid-waste kind used per year and industry."""
    industries = report_data().industries
    return _waste_panel(
        ctx,
        "waste-industry",
        _("Solid waste and by-products used, by industry"),
        _("Industry"),
        lambda row: localized(industries[row.industry]) if row.industry in industries else "–",
    )


def substitution_panel(ctx: Context) -> Panel:
    """Carbonate raw material replaced, substitute fuels, phosphogypsum used against produced."""
    produced = entered_figures(session=ctx.session, kind="phosphogypsum_produced")
    title = _("Raw-material and fuel substitution")
    rows = []
    for s in ctx.substitution:
        made = produced.get(s.year)
        used_share = share(min(s.phosphogypsum_used, made.value), made.value) if made else None
        rows.append(
            [
                str(s.year),
                percent(s.carbonate_share),
                percent(s.substitute_fuel_share),
                number(s.phosphogypsum_used, 0),
                number(made.value if made else None, 0),
                percent(used_share),
                made.source if made else "–",
            ]
        )
    table = Table(
        [
            _("Year"),
            _("Carbonate raw material replaced in raw meal (%)"),
            _("Substitute fuels, share of tce (%)"),
            _("Phosphogypsum used (t)"),
            _("Phosphogypsum produced (t)"),
            _("Phosphogypsum used, of produced (%)"),
            _("Source of the produced figure"),
        ],
        rows,
    )
    chart = svg.hbars(
        "substitution",
        [
            svg.Row(str(s.year), (s.carbonate_share or 0.0, s.substitute_fuel_share or 0.0))
            for s in ctx.substitution
        ],
        [
            svg.Series(_("Carbonate raw material replaced"), svg.GREEN_3),
            svg.Series(_("Substitute fuels"), svg.BLUE),
        ],
        title=title,
        description=title,
        stacked=False,
        percent=True,
    )
    note = _(
        "From confirmed annual reports. Phosphogypsum produced is the figure an administrator "
        "entered with its source; used above produced counts as 100 %%."
    )
    return Panel("substitution", title, chart, table, note)
