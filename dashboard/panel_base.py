"""What every dashboard panel shares: the data table, the panel, and the figures context."""

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from markupsafe import Markup
from sqlmodel import Session, select

from catalog.models import Category
from dashboard.certified import (
    Alerts,
    Certified,
    certificate_alerts,
    certified_products,
)
from dashboard.clinker import ClinkerFigures, clinker_figures
from dashboard.provincial import (
    Line,
    Substitution,
    WasteRow,
    confirmed_lines,
    confirmed_wastes,
    substitution,
)
from dashboard.targets import Targets


@dataclass
class Table:
    """A chart's data: column headings and rows of text, as shown and as downloaded."""

    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class Panel:
    """One chart of the dashboard with its data table."""

    key: str
    title: str
    chart: Markup
    table: Table
    note: str = ""


@dataclass
class Context:
    """What the panels are drawn for; each set of figures is computed once, when first needed."""

    session: Session
    today: date
    targets: Targets
    year: int | None
    admin: bool

    @cached_property
    def clinker(self) -> ClinkerFigures:
        """Return the clinker figures of the chosen year."""
        return clinker_figures(session=self.session, targets=self.targets, year=self.year)

    @cached_property
    def report_lines(self) -> list[Line]:
        """Return the product lines of the confirmed annual plant reports."""
        return confirmed_lines(session=self.session)

    @cached_property
    def report_wastes(self) -> list[WasteRow]:
        """Return the solid wastes of the confirmed annual plant reports."""
        return confirmed_wastes(session=self.session)

    @cached_property
    def substitution(self) -> list[Substitution]:
        """Return each year's raw-material and fuel substitution."""
        return substitution(session=self.session, wastes=self.report_wastes)

    @cached_property
    def certified(self) -> Certified:
        """Return the certificates in force today by category and division."""
        return certified_products(session=self.session, today=self.today)

    @cached_property
    def alerts(self) -> Alerts:
        """Return the certificates expiring soon, suspended or revoked this year."""
        return certificate_alerts(session=self.session, today=self.today)

    @cached_property
    def categories(self) -> dict[str, Category]:
        """Return the categories by code."""
        return {c.code: c for c in self.session.exec(select(Category)).all()}
