"""Clinker figures: capacity at the energy benchmark, and the capacity-weighted energy per tonne."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlmodel import Session, select

from accounts.divisions import DIVISIONS
from accounts.models import Organisation
from catalog.models import CapacityKind, Plant
from catalog.plant_confirmation import confirmed
from catalog.provincial_figures import entered_figures
from catalog.reports.data import report_data
from catalog.reports.models import PlantReport, PlantReportProduct
from catalog.reports.services import counted
from dashboard.arithmetic import annual_tonnes, share, weighted_mean
from dashboard.targets import Targets

CLINKER_INDUSTRY = "clinker"
CLINKER_UNIT = "kgce/t"
# [official] The benchmark level for cement clinker, a cited row of seeds/plant_reports.toml
# (GB 16780-2021 level 1, adopted by the NDRC). The cement criteria's three-star threshold uses
# the same figure; a test checks that the two agree.
BENCHMARK_KGCE_PER_T = report_data().industries[CLINKER_INDUSTRY].benchmark


@dataclass(frozen=True)
class PlantFigure:
    """A clinker plant, its annual capacity and its figure for the year (None: not reported).

    An unconfirmed plant (`awaiting`) counts for nothing: its capacity is only shown as waiting
    for confirmation; an unconfirmed figure of a confirmed plant is no figure (value None).
    """

    plant_id: int
    name: str
    manufacturer: str
    division_code: str
    capacity: float | None  # t/a; None when the plant gave no capacity in t/d or t/a
    value: float | None  # kgce/t
    awaiting: bool = False

    @property
    def reported(self) -> bool:
        """Return whether the plant counts: confirmed, a capacity and a figure for the year."""
        return not self.awaiting and self.capacity is not None and self.value is not None

    def at_benchmark(self, benchmark: float) -> bool:
        """Return whether the plant's figure is at or better (lower) than the benchmark."""
        return self.value is not None and self.value <= benchmark


@dataclass(frozen=True)
class CapacityTally:
    """Clinker capacity of an area (a division code, or "" for the province) in t/a."""

    area: str
    plants: int
    reported_plants: int
    registered: float
    reported: float
    at_benchmark: float
    mean: float | None  # capacity-weighted kgce/t over the reporting plants
    awaiting_plants: int = 0
    awaiting: float = 0.0  # capacity waiting for confirmation, counted nowhere else

    @property
    def share(self) -> float | None:
        """Return capacity at the benchmark over all registered capacity (the target's measure)."""
        return share(self.at_benchmark, self.registered)

    @property
    def share_of_reported(self) -> float | None:
        """Return capacity at the benchmark over the capacity that reported a figure."""
        return share(self.at_benchmark, self.reported)

    @property
    def reported_share(self) -> float | None:
        """Return the capacity that reported a figure over all registered capacity."""
        return share(self.reported, self.registered)


def tally(area: str, plants: Sequence[PlantFigure], benchmark: float) -> CapacityTally:
    """Add up the capacity of the plants, the capacity reporting and the capacity at benchmark."""
    waiting = [p for p in plants if p.awaiting]
    confirmed_plants = [p for p in plants if not p.awaiting]
    counted = [p for p in confirmed_plants if p.capacity is not None]
    reported = [p for p in counted if p.reported]
    return CapacityTally(
        area=area,
        plants=len(confirmed_plants),
        reported_plants=len(reported),
        registered=sum(p.capacity for p in counted),
        reported=sum(p.capacity for p in reported),
        at_benchmark=sum(p.capacity for p in reported if p.at_benchmark(benchmark)),
        mean=weighted_mean([(p.capacity, p.value) for p in reported]),
        awaiting_plants=len(waiting),
        awaiting=sum(p.capacity for p in waiting if p.capacity is not None),
    )


@dataclass(frozen=True)
class YearMean:
    """The capacity-weighted clinker energy of one year and what it rests on."""

    year: int
    plants: int
    capacity: float
    mean: float | None


@dataclass(frozen=True)
class Base:
    """The base year of the −3 % target and its clinker energy; source "" = confirmed reports."""

    year: int
    value: float
    source: str = ""

    def target(self, reduction_target: float) -> float:
        """Return the clinker energy the reduction target asks for (kgce/t)."""
        return self.value * (1 - reduction_target)

    def reduction(self, mean: float | None) -> float | None:
        """Return how far a mean lies below the base-year figure, as a share of it."""
        return None if mean is None else (self.value - mean) / self.value


def clinker_base(*, session: Session, trend: Sequence[YearMean]) -> Base | None:
    """Return an administrator's cited base (the earliest entered) or the first reported year."""
    entered = entered_figures(session=session, kind="clinker_base")
    if entered:
        row = entered[min(entered)]
        return Base(row.year, row.value, row.source)
    first = next((y for y in trend if y.mean is not None), None)
    return None if first is None else Base(first.year, first.mean)


@dataclass
class ClinkerFigures:
    """Everything the clinker part of the dashboard shows for one year."""

    year: int | None
    years: list[int]
    benchmark: float
    targets: Targets
    province: CapacityTally
    divisions: list[CapacityTally]
    plants: list[PlantFigure]
    trend: list[YearMean] = field(default_factory=list)
    base: Base | None = None

    @property
    def reduction(self) -> float | None:
        """Return how far the year's mean lies below the base-year figure (share of it)."""
        return None if self.base is None else self.base.reduction(self.province.mean)

    @property
    def not_reported(self) -> list[PlantFigure]:
        """Return the confirmed plants that count for nothing this year."""
        return [p for p in self.plants if not p.awaiting and not p.reported]

    @property
    def awaiting(self) -> list[PlantFigure]:
        """Return the plants that count for nothing until confirmed."""
        return [p for p in self.plants if p.awaiting]


def clinker_figures(
    *, session: Session, targets: Targets, year: int | None = None
) -> ClinkerFigures:
    """Return the clinker figures of the year (default: the latest year with a figure)."""
    rows = session.exec(
        select(Plant, Organisation.name_zh, confirmed(Plant))
        .join(Organisation, Organisation.id == Plant.manufacturer_id)
        .where(Plant.capacity_kind == CapacityKind.CLINKER)
        .order_by(Plant.division_code, Plant.name, Plant.id)
    ).all()
    capacities = {
        plant.id: annual_tonnes(plant.capacity, plant.capacity_unit, targets.operating_days)
        for plant, _name, _ok in rows
    }
    counting = [plant.id for plant, _name, ok in rows if ok]
    figures: dict[int, dict[int, float]] = {}
    # The clinker line of each confirmed annual report (catalog.reports.services.counted).
    for plant_id, figure_year, value in session.exec(
        select(PlantReport.plant_id, PlantReport.year, PlantReportProduct.energy)
        .join(PlantReportProduct, PlantReportProduct.report_id == PlantReport.id)
        .where(
            PlantReportProduct.industry == CLINKER_INDUSTRY,
            PlantReportProduct.energy.is_not(None),
            PlantReport.plant_id.in_(counting),
            counted(),
        )
    ).all():
        figures.setdefault(figure_year, {})[plant_id] = value
    years = sorted(figures)
    if year is None and years:
        year = years[-1]
    of_year = figures.get(year, {})
    plants = [
        PlantFigure(
            p.id, p.name, maker, p.division_code, capacities[p.id], of_year.get(p.id), not ok
        )
        for p, maker, ok in rows
    ]
    by_division = {code: [p for p in plants if p.division_code == code] for code in DIVISIONS}
    trend = []
    for each in years:
        weighed = [(capacities[i], v) for i, v in figures[each].items() if capacities[i]]
        trend.append(
            YearMean(each, len(weighed), sum(c for c, _v in weighed), weighted_mean(weighed))
        )
    return ClinkerFigures(
        year=year,
        years=years,
        benchmark=BENCHMARK_KGCE_PER_T,
        targets=targets,
        province=tally("", plants, BENCHMARK_KGCE_PER_T),
        divisions=[tally(code, group, BENCHMARK_KGCE_PER_T) for code, group in by_division.items()],
        plants=plants,
        trend=trend,
        base=clinker_base(session=session, trend=trend),
    )
