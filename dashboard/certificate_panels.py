"""The certificate panels: certified products by category, division and month; alerts."""

from flask_babel import gettext as _
from flask_babel import ngettext

from accounts.divisions import division_name
from dashboard import svg
from dashboard.certified import StarCounts, issued_by_month
from dashboard.panel_base import Context, Panel, Table
from greenbm.i18n import localized

STAR_COLOURS = (svg.GREEN_1, svg.GREEN_2, svg.GREEN_3)


def _stars(n: int) -> str:
    return ngettext("%(num)d star", "%(num)d stars", n)


def _star_series() -> list[svg.Series]:
    return [
        svg.Series(_stars(s), colour) for s, colour in zip((1, 2, 3), STAR_COLOURS, strict=True)
    ]


def _star_table(first: str, groups: list[tuple[str, StarCounts]]) -> Table:
    headers = [first, _stars(1), _stars(2), _stars(3), _("Total")]
    return Table(headers, [[label, *map(str, g.counts), str(g.total)] for label, g in groups])


def _star_panel(key: str, title: str, groups: list[tuple[str, StarCounts]], first: str) -> Panel:
    rows = [svg.Row(label, tuple(float(n) for n in g.counts)) for label, g in groups]
    chart = svg.hbars(key, rows, _star_series(), title=title, description=title)
    return Panel(key, title, chart, _star_table(first, groups))


# --- certificates -----------------------------------------------------------------------------


def certified_by_category(ctx: Context) -> Panel:
    """Products certified today, by category and star level."""
    groups = [
        (localized(ctx.categories[g.key]) if g.key in ctx.categories else g.key, g)
        for g in ctx.certified.by_category
    ]
    title = _("Certified products by category")
    return _star_panel("certified-category", title, groups, _("Category"))


def certified_by_division(ctx: Context) -> Panel:
    """Products certified today, by the division of their production site and star level."""
    groups = [(division_name(g.key), g) for g in ctx.certified.by_division]
    title = _("Certified products by division of the production site")
    return _star_panel("certified-division", title, groups, _("Division"))


def certified_by_month(ctx: Context) -> Panel:
    """Certificates issued in each of the last twelve months, by star level."""
    months = issued_by_month(session=ctx.session, today=ctx.today)
    title = _("Certificates issued by month")
    rows = [svg.Row(m.key, tuple(float(n) for n in m.counts)) for m in months]
    chart = svg.columns("certified-month", rows, _star_series(), title=title, description=title)
    return Panel(
        "certified-month", title, chart, _star_table(_("Month"), [(m.key, m) for m in months])
    )


def certificate_alerts_panel(ctx: Context) -> Panel:
    """How many certificates expire within 90 days, and were suspended or revoked this year."""
    alerts = ctx.alerts
    counts = [
        (_("Expiring within 90 days"), len(alerts.expiring)),
        (_("Suspended in %(year)s", year=alerts.today.year), len(alerts.suspended)),
        (_("Revoked in %(year)s", year=alerts.today.year), len(alerts.revoked)),
    ]
    title = _("Certificates needing attention")
    rows = [svg.Row(label, (float(n),)) for label, n in counts]
    chart = svg.hbars(
        "certificate-alerts",
        rows,
        [svg.Series(_("Certificates"), svg.AMBER)],
        title=title,
        description=title,
    )
    table = Table(
        [_("Kind of attention"), _("Number of certificates")],
        [[label, str(n)] for label, n in counts],
    )
    return Panel("certificate-alerts", title, chart, table)
