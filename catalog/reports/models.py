"""Annual plant reports: production, energy, fuels and solid wastes of one plant in one year."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from greenbm.models_base import enum_field, timestamp_field


class ReportStatus(StrEnum):
    """Where a report version stands; only a confirmed version counts in provincial figures."""

    SUBMITTED = "submitted"
    RETURNED = "returned"
    CONFIRMED = "confirmed"
    # A newer version took its place: kept unchanged as the record of what was filed.
    SUPERSEDED = "superseded"


class PlantReport(SQLModel, table=True):
    """One version of a plant's annual report; a correction is a new version, never an edit."""

    __table_args__ = (
        sa.UniqueConstraint("plant_id", "year", "version"),
        sa.Index("ix_plantreport_status_year", "status", "year"),
    )

    id: int | None = Field(default=None, primary_key=True)
    plant_id: int = Field(foreign_key="plant.id", index=True)
    year: int
    version: int = 1
    status: str = enum_field(ReportStatus, default=ReportStatus.SUBMITTED)
    # Fuels in tonnes of coal equivalent: all fuels, and the substitute fuels among them
    # (refuse-derived fuel, biomass, waste tyres...), whose share the plan asks to raise.
    fuel_tce: float = 0.0
    substitute_fuel_tce: float = 0.0
    # Carbonate raw material (limestone) put into cement raw meal, t; None: no raw meal.
    raw_meal_limestone_t: float | None = None
    evidence: str = Field(default="", max_length=500)
    submitted_by_id: int | None = Field(default=None, foreign_key="user.id")
    submitted_at: datetime = timestamp_field()
    decided_by_id: int | None = Field(default=None, foreign_key="user.id")
    decided_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    decision_reason: str = Field(default="", sa_type=sa.Text)


class PlantReportProduct(SQLModel, table=True):
    """A product line of a report: its industry, capacity, production and energy per unit."""

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="plantreport.id", index=True, ondelete="CASCADE")
    industry: str = Field(max_length=40)  # a code of seeds/plant_reports.toml
    capacity: float  # per year, in the industry's production unit
    production: float
    energy: float | None = None  # comprehensive energy per unit, in the industry's energy unit


class PlantReportWaste(SQLModel, table=True):
    """Tonnes of one kind of solid waste or by-product a plant consumed in the year."""

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="plantreport.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=40)  # a code of seeds/plant_reports.toml
    tonnes: float
    # True when it replaced carbonate raw material (limestone) in cement raw meal.
    in_raw_meal: bool = False


class ProvincialFigure(SQLModel, table=True):
    """A figure an administrator enters with its source (e.g. phosphogypsum produced)."""

    __table_args__ = (sa.UniqueConstraint("kind", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40)
    year: int
    value: float
    unit: str = Field(max_length=20)
    source: str = Field(max_length=500)
    entered_by_id: int | None = Field(default=None, foreign_key="user.id")
    entered_at: datetime = timestamp_field()
