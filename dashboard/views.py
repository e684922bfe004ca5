"""The dashboard page (public; more detail for administrators) and each chart's CSV download."""

from dataclasses import dataclass
from datetime import date

from flask import Response, current_app, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from accounts.models import Role
from dashboard import bp
from dashboard.arithmetic import percent, shown_number
from dashboard.certified import Alerts, Certified
from dashboard.clinker import ClinkerFigures
from dashboard.panels import PANELS, Context, Panel
from dashboard.targets import load_targets
from greenbm.db import get_session
from greenbm.figures import kept
from greenbm.spreadsheets import csv_bytes

FIRST_YEAR, LAST_YEAR = 2000, 2100


class BadYear(ValueError):
    """The ?year= parameter is not a year the dashboard can show."""


def parse_year(text: str | None) -> int | None:
    """Return the year asked for (None: the latest with data); BadYear if it is not a year."""
    if text is None or text.strip() == "":
        return None
    text = text.strip()
    if not text.isascii() or not text.isdigit() or not FIRST_YEAR <= int(text) <= LAST_YEAR:
        raise BadYear(text)
    return int(text)


def today() -> date:
    """Return today's date in the server's calendar (one place, so tests can fix it)."""
    return date.today()


def _is_admin() -> bool:
    return current_user.is_authenticated and current_user.role == Role.ADMINISTRATOR


def _context(year: int | None) -> Context:
    return Context(
        session=get_session(),
        today=today(),
        targets=load_targets(current_app.config.get("DASHBOARD_TARGETS")),
        year=year,
        admin=_is_admin(),
    )


@dataclass(frozen=True)
class Figures:
    """Everything the dashboard shows: each panel, and the figures its tiles read."""

    panels: dict[str, Panel]
    clinker: ClinkerFigures
    certified: Certified
    alerts: Alerts


def dashboard_figures(ctx: Context) -> Figures:
    """Compute every panel and tile figure of the dashboard from the database."""
    panels = {key: build(ctx) for key, build in PANELS.items()}
    return Figures(panels, ctx.clinker, ctx.certified, ctx.alerts)


def kept_figures(ctx: Context) -> Figures:
    """Return the dashboard's figures, computed once per change, day, language, role and year."""
    # Panels hold translated, locale-formatted text: the language is part of what they are.
    what = ("dashboard", str(get_locale()), ctx.admin, ctx.year, ctx.today)
    return kept(what, lambda: dashboard_figures(ctx), session=ctx.session)


def _bad_year(text: str):
    message = _(
        "“%(value)s” is not a year: give a year from %(first)s to %(last)s, such as 2025.",
        value=text,
        first=FIRST_YEAR,
        last=LAST_YEAR,
    )
    return render_template("error.html", code=400, message=message), 400


@bp.get("")
def index():
    """Show where the province stands against the plan's targets."""
    try:
        year = parse_year(request.args.get("year"))
    except BadYear as exc:
        return _bad_year(str(exc))
    ctx = _context(year)
    figures = kept_figures(ctx)
    return render_template(
        "dashboard/index.html",
        panels=figures.panels,
        clinker=figures.clinker,
        certified=figures.certified,
        alerts=figures.alerts,
        admin=ctx.admin,
        asked_year=year,
        pct=percent,
        num=shown_number,
    )


def panel_csv(panel: Panel) -> bytes:
    """Return the panel's table as CSV in UTF-8 with a byte-order mark (for Excel)."""
    return csv_bytes(panel.table.headers, panel.table.rows)


@bp.get("/<key>.csv")
def download(key: str):
    """Download one chart's data table as CSV."""
    if key not in PANELS:
        return render_template("error.html", code=404, message=_("There is nothing here.")), 404
    try:
        year = parse_year(request.args.get("year"))
    except BadYear as exc:
        return _bad_year(str(exc))
    ctx = _context(year)
    figures = kept_figures(ctx)
    panel = figures.panels[key]
    year_shown = figures.clinker.year
    suffix = f"-{year_shown}" if key.startswith("clinker") and year_shown else ""
    name = f"dashboard-{key}{suffix}-{ctx.today.isoformat()}.csv"
    return Response(
        panel_csv(panel),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )
