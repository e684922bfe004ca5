"""Figures an administrator enters with their source: phosphogypsum produced, a clinker base."""

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from accounts.models import Role, User
from catalog.reports.models import ProvincialFigure
from greenbm.audit import AuditAction, record_audit
from greenbm.errors import Invalid, NotAllowed
from greenbm.models_base import utcnow


@dataclass(frozen=True)
class FigureKind:
    """A kind of entered figure, its unit and the range a sane value lies in."""

    code: str
    label: object
    unit: str
    minimum: float
    maximum: float


FIGURE_KINDS = {
    k.code: k
    for k in (
        FigureKind(
            "phosphogypsum_produced", _l("Phosphogypsum produced in the province"), "t", 1, 1e9
        ),
        # The plan's base year for the clinker −3 % target, when the reports do not reach back.
        FigureKind("clinker_base", _l("Clinker energy in the base year"), "kgce/t", 60, 250),
    )
}


def entered_figures(*, session: Session, kind: str) -> dict[int, ProvincialFigure]:
    """Return the entered figures of a kind by year."""
    rows = session.exec(select(ProvincialFigure).where(ProvincialFigure.kind == kind))
    return {row.year: row for row in rows}


def enter_figure(
    *, session: Session, actor: User, kind: str, year: int, value: float, source: str
) -> ProvincialFigure:
    """Record (or replace) an administrator's figure for a year, with its source, audited."""
    if actor is None or actor.role != Role.ADMINISTRATOR or actor.disabled:
        raise NotAllowed()
    spec = FIGURE_KINDS.get(kind)
    errors: dict[str, list[str]] = {}
    if spec is None:
        errors["kind"] = [_("Choose what the figure is.")]
    elif not spec.minimum <= value <= spec.maximum:
        errors["value"] = [_("The value lies outside the plausible range.")]
    if not 2000 <= year <= 2100:
        errors["year"] = [_("Enter a year between 2000 and 2100.")]
    if not source.strip():
        errors["source"] = [_("Cite the source of the figure (document, table, date).")]
    if errors:
        raise Invalid(errors)
    row = entered_figures(session=session, kind=kind).get(year)
    before = None if row is None else {"value": row.value, "source": row.source}
    if row is None:
        row = ProvincialFigure(kind=kind, year=year, value=value, unit=spec.unit, source="")
        session.add(row)
    row.value, row.source = value, source.strip()[:500]
    row.entered_by_id, row.entered_at = actor.id, utcnow()
    session.flush()
    record_audit(
        session=session,
        actor=actor,
        action=AuditAction.PROVINCIAL_FIGURE_ENTERED,
        object_type="provincial_figure",
        object_id=row.id,
        label=f"{kind} {year}",
        detail={"before": before, "after": {"value": value, "source": row.source}},
    )
    return row
