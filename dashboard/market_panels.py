"""The GWP distribution panel and the green-procurement share panel."""

from flask_babel import gettext as _

from accounts.divisions import division_name
from catalog.units import format_unit
from dashboard import svg, svg_plots
from dashboard.arithmetic import number, percent
from dashboard.gwp import Distribution, gwp_distributions
from dashboard.panel_base import Context, Panel, Table
from dashboard.procurement_share import (
    TYPE_SHARE_TARGET,
    DivisionShare,
    procurement_shares,
)
from greenbm.i18n import localized

# --- embodied carbon and procurement ----------------------------------------------------------


def _group_label(d: Distribution) -> str:
    label = localized(d.category)
    if d.variant is not None:
        label = f"{label} · {localized(d.variant)}"
    if d.unit != d.category.declared_unit:
        label = f"{label} ({_('per %(unit)s', unit=format_unit(d.unit))})"
    return label


def gwp_distribution(ctx: Context) -> Panel:
    """The GWP of published products per category: P20–P80 box, median, range, reference."""
    groups = gwp_distributions(session=ctx.session)
    title = _("GWP (A1–A3) of published products by category")
    table = Table(
        [
            _("Category"),
            _("Unit"),
            _("Products"),
            _("Minimum"),
            _("20th percentile"),
            _("Median"),
            _("80th percentile"),
            _("Maximum"),
            _("Reference factor"),
        ],
        [
            [
                _group_label(d),
                f"kgCO2e/{format_unit(d.unit)}",
                str(d.count),
                number(d.minimum),
                number(d.p20),
                number(d.median),
                number(d.p80),
                number(d.maximum),
                number(d.reference),
            ]
            for d in groups
        ],
    )
    rows = [
        svg_plots.BoxRow(
            label=_group_label(d),
            unit=f"kgCO2e/{format_unit(d.unit)}",
            count=d.count,
            minimum=d.minimum,
            p20=d.p20,
            median=d.median,
            p80=d.p80,
            maximum=d.maximum,
            reference=d.reference,
        )
        for d in groups
    ]
    chart = svg_plots.box_rows(
        "gwp",
        rows,
        title=title,
        description=_(
            "For each category: the range of GWP values, a box from the 20th to the 80th "
            "percentile, the median, and the GB/T 51366-2019 reference factor."
        ),
        legend=(_("20th–80th percentile"), _("Median"), _("Reference factor")),
    )
    note = _(
        "The 20th percentile is the “achievable target”, the 80th the “conservative estimate”; "
        "each row has its own scale, from its minimum to its maximum."
    )
    return Panel("gwp", title, chart, table, note)


def _money(value) -> str:
    return f"{value:.2f}"


def procurement_share(ctx: Context) -> Panel:
    """Green share of the procurement lists by value and by material type, per division."""
    shares: list[DivisionShare] = procurement_shares(session=ctx.session, today=ctx.today)
    title = _("Green share of government-investment procurement lists by division")
    table = Table(
        [
            _("Division"),
            _("Lists"),
            _("Value (CNY)"),
            _("Green value (CNY)"),
            _("Green share by value (%)"),
            _("Optional material types used"),
            _("Types covered by green products"),
            _("Green share by material type (%)"),
            _("Lists meeting the 40% type rule"),
        ],
        [
            [
                division_name(s.division_code),
                str(s.lists),
                _money(s.total),
                _money(s.green),
                percent(s.value_share),
                str(s.types_used),
                str(s.types_covered),
                percent(s.type_share),
                str(s.compliant_types_lists),
            ]
            for s in shares
        ],
    )
    rows = [
        svg.Row(division_name(s.division_code), (s.value_share or 0.0, s.type_share or 0.0))
        for s in shares
    ]
    chart = svg.hbars(
        "procurement",
        rows,
        [svg.Series(_("By value"), svg.GREEN_2), svg.Series(_("By material type"), svg.GREEN_3)],
        title=title,
        description=title,
        stacked=False,
        percent=True,
        markers=[svg.Marker(TYPE_SHARE_TARGET, _("Type rule ≥ 40%"))],
    )
    note = _(
        "A material type counts as covered when every line of it is green; the 40%% rule "
        "applies to the optional class. Green means a certificate valid on %(day)s.",
        day=ctx.today.isoformat(),
    )
    return Panel("procurement", title, chart, table, note)
