"""The dashboard page (public; more detail for administrators) and each chart's CSV download."""

from datetime import date

from flask import Response, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from accounts.models import Role
from dashboard import bp
from dashboard.arithmetic import percent, shown_number
from dashboard.panels import PANELS, Context, Panel
from dashboard.targets import load_targets
from greenbm.db import get_session
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
    panels = {key: build(ctx) for key, build in PANELS.items()}
    return render_template(
        "dashboard/index.html",
        panels=panels,
        clinker=ctx.clinker,
        certified=ctx.certified,
        alerts=ctx.alerts,
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
    panel = PANELS[key](ctx)
    suffix = f"-{ctx.clinker.year}" if key.startswith("clinker") and ctx.clinker.year else ""
    name = f"dashboard-{key}{suffix}-{ctx.today.isoformat()}.csv"
    return Response(
        panel_csv(panel),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )
