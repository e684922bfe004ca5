"""Provincial figures from confirmed annual plant reports: benchmark shares, wastes, substitution.

Each function runs one or two small queries over the confirmed reports (the status-and-year
index) and adds up in Python, so that a panel can later be kept or cached as it stands.
"""

import math
from collections import defaultdict
from dataclasses import dataclass

from sqlmodel import Session, select

from catalog.models import Plant
from catalog.reports.data import Industry, report_data
from catalog.reports.models import PlantReport, PlantReportProduct, PlantReportWaste
from catalog.reports.services import counted
from dashboard.arithmetic import share


@dataclass(frozen=True)
class Line:
    """A product line of a confirmed report."""

    year: int
    plant_id: int
    division_code: str
    industry: str
    capacity: float
    production: float
    energy: float | None


def confirmed_lines(*, session: Session) -> list[Line]:
    """Return every product line of the confirmed reports, by year and plant."""
    rows = session.exec(
        select(
            PlantReport.year,
            PlantReport.plant_id,
            Plant.division_code,
            PlantReportProduct.industry,
            PlantReportProduct.capacity,
            PlantReportProduct.production,
            PlantReportProduct.energy,
        )
        .join(PlantReportProduct, PlantReportProduct.report_id == PlantReport.id)
        .join(Plant, Plant.id == PlantReport.plant_id)
        .where(counted())
        .order_by(PlantReport.year, PlantReport.plant_id, PlantReportProduct.id)
    ).all()
    return [Line(*row) for row in rows]


@dataclass(frozen=True)
class BenchmarkShare:
    """Capacity of one industry (or all: industry None) in a year against its benchmark.

    For all industries together, capacities in t, m² and weight cases cannot be added: each
    line then counts with the energy it would use at its benchmark (capacity × benchmark, kgce),
    so that an industry weighs what its energy weighs [project].
    """

    year: int
    industry: Industry | None
    reported: float
    at_benchmark: float
    not_reported: float  # capacity of plants that reported the industry in another year only

    @property
    def share(self) -> float | None:
        """Return capacity at benchmark over all capacity, the reporting and the silent."""
        return share(self.at_benchmark, self.reported + self.not_reported)


def benchmark_shares(lines: list[Line]) -> list[BenchmarkShare]:
    """Return, per year, each benchmarked industry's share and then the overall one."""
    industries = {c: i for c, i in report_data().industries.items() if i.benchmark is not None}
    mine = [line for line in lines if line.industry in industries]
    years = sorted({line.year for line in lines})
    # The capacity a silent plant is taken to have: its report of the nearest year.
    known: dict[tuple[int, str], dict[int, float]] = defaultdict(dict)
    for line in mine:
        known[(line.plant_id, line.industry)][line.year] = line.capacity
    result = []
    for year in years:
        overall = [0.0, 0.0, 0.0]
        for code, industry in industries.items():
            of_year = [ln for ln in mine if ln.year == year and ln.industry == code]
            reported = math.fsum(ln.capacity for ln in of_year)
            at = math.fsum(ln.capacity for ln in of_year if industry.at_benchmark(ln.energy))
            present = {ln.plant_id for ln in of_year}
            silent = math.fsum(
                by_year[min(by_year, key=lambda y: (abs(y - year), y))]
                for (plant_id, each), by_year in known.items()
                if each == code and plant_id not in present
            )
            result.append(BenchmarkShare(year, industry, reported, at, silent))
            for i, value in enumerate((reported, at, silent)):
                overall[i] += value * industry.benchmark
        result.append(BenchmarkShare(year, None, *overall))
    return result


@dataclass(frozen=True)
class YearEnergy:
    """The capacity-weighted energy per unit of one industry in a year."""

    year: int
    lines: int
    capacity: float
    mean: float | None


def energy_trend(lines: list[Line], industry: str) -> list[YearEnergy]:
    """Return the capacity-weighted energy per unit of an industry, year by year."""
    trend = []
    for year in sorted({ln.year for ln in lines if ln.industry == industry}):
        pairs = [
            (ln.capacity, ln.energy)
            for ln in lines
            if ln.year == year and ln.industry == industry and ln.energy is not None
        ]
        weight = math.fsum(c for c, _e in pairs)
        mean = math.fsum(c * e for c, e in pairs) / weight if weight else None
        trend.append(YearEnergy(year, len(pairs), weight, mean))
    return trend


@dataclass(frozen=True)
class WasteRow:
    """Tonnes of a waste kind used in a year, by a division's plants of a principal industry."""

    year: int
    division_code: str
    industry: str
    kind: str
    tonnes: float
    in_raw_meal: bool


def confirmed_wastes(*, session: Session) -> list[WasteRow]:
    """Return the wastes of the confirmed reports with the plant's division and main industry.

    A report's wastes are counted under its principal industry, the one of its first product
    line (the form asks for the principal product first): the tonnes are never split.
    """
    reports = session.exec(
        select(PlantReport.id, PlantReport.year, Plant.division_code)
        .join(Plant, Plant.id == PlantReport.plant_id)
        .where(counted())
    ).all()
    ids = [r[0] for r in reports]
    principal: dict[int, str] = {}
    for report_id, industry in session.exec(
        select(PlantReportProduct.report_id, PlantReportProduct.industry)
        .where(PlantReportProduct.report_id.in_(ids))
        .order_by(PlantReportProduct.id.desc())
    ):
        principal[report_id] = industry  # the last written wins: the lowest id, the first line
    by_id = {r[0]: r for r in reports}
    rows = session.exec(
        select(
            PlantReportWaste.report_id,
            PlantReportWaste.kind,
            PlantReportWaste.tonnes,
            PlantReportWaste.in_raw_meal,
        )
        .where(PlantReportWaste.report_id.in_(ids))
        .order_by(PlantReportWaste.id)
    ).all()
    return [
        WasteRow(by_id[rid][1], by_id[rid][2], principal.get(rid, "other"), kind, t, raw)
        for rid, kind, t, raw in rows
    ]


@dataclass(frozen=True)
class Substitution:
    """One year's raw-material and fuel substitution over the confirmed reports."""

    year: int
    limestone: float
    carbonate_substitutes: float
    fuel_tce: float
    substitute_fuel_tce: float
    phosphogypsum_used: float

    @property
    def carbonate_share(self) -> float | None:
        """Return the share of carbonate raw material in raw meal replaced by wastes."""
        return share(self.carbonate_substitutes, self.carbonate_substitutes + self.limestone)

    @property
    def substitute_fuel_share(self) -> float | None:
        """Return substitute fuels over all fuels (tce)."""
        return share(self.substitute_fuel_tce, self.fuel_tce)


def substitution(*, session: Session, wastes: list[WasteRow]) -> list[Substitution]:
    """Return each year's carbonate replacement, substitute-fuel share and phosphogypsum used."""
    totals = session.exec(
        select(
            PlantReport.year,
            PlantReport.raw_meal_limestone_t,
            PlantReport.fuel_tce,
            PlantReport.substitute_fuel_tce,
        ).where(counted())
    ).all()
    result = []
    for year in sorted({row[0] for row in totals}):
        mine = [row for row in totals if row[0] == year]
        of_year = [w for w in wastes if w.year == year]
        result.append(
            Substitution(
                year=year,
                limestone=math.fsum(r[1] or 0.0 for r in mine),
                carbonate_substitutes=math.fsum(w.tonnes for w in of_year if w.in_raw_meal),
                fuel_tce=math.fsum(r[2] for r in mine),
                substitute_fuel_tce=math.fsum(r[3] for r in mine),
                phosphogypsum_used=math.fsum(
                    w.tonnes for w in of_year if w.kind == "phosphogypsum"
                ),
            )
        )
    return result
