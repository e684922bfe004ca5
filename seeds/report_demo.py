"""Demo annual plant reports, 2023-2025, from the demo plants' energy figures (all FICTIONAL).

Each demo plant with energy figures reports three years: production at about 85-92 % of its
capacity, its energy per unit from seeds/demo.toml, more solid waste and substitute fuel each
year (a visible trend). The administrator confirms them, except: one cement kiln's 2025 report
was returned with a reason (its capacity shows as "reported nothing"), and one lime kiln's 2025
report waits for a decision.
"""

from sqlmodel import Session, select

from accounts.models import Role, User
from catalog.models import Plant
from catalog.provincial_figures import enter_figure
from catalog.reports.models import PlantReport, PlantReportProduct, PlantReportWaste, ReportStatus
from greenbm.models_base import utcnow

YEARS = (2023, 2024, 2025)
OPERATING_DAYS = 310  # as seeds/targets.toml
WEIGHT_CASES_PER_T = 20  # a weight case of flat glass is 50 kg
# Tonnes of waste per unit of production in 2023, by the plant's kind; +8 % a year after.
WASTES = {
    "clinker": {"fly_ash": 0.06, "slag_powder": 0.05, "fgd_gypsum": 0.02, "phosphogypsum": 0.015},
    "raw_meal": {"carbide_slag": 0.03, "steel_slag": 0.01, "manganese_slag": 0.005},
    "gypsum": {"phosphogypsum": 0.9, "fgd_gypsum": 0.05},
    "gypsum_board": {"phosphogypsum": 0.008},
    "aac-block": {"fly_ash": 0.35, "phosphogypsum": 0.08},
    "fired-brick": {"coal_gangue": 0.9, "fly_ash": 0.15},
    "ceramic-tile": {"other": 0.002},
}
RETURNED = ("平坝", "The clinker energy 98.4 kgce/t does not match the energy audit (118.4).")
PENDING = "普定"
DEMO_PG_SOURCE = "DEMO ONLY: fictional figure for the demonstration, not a statistic"


def _industry(plant: Plant, item: dict, made: set[str]) -> tuple[str, float, dict[int, float]]:
    """Return the industry code, the annual capacity in its unit and the energy by year."""
    energy = {e["year"]: e["value"] for e in item.get("energy", [])}
    clinker = {
        e["year"]: e["value"] for e in item.get("energy", []) if e["metric"] == "clinker_energy"
    }
    per_day = item.get("capacity_unit") == "t/d"
    annual = item["capacity"] * (OPERATING_DAYS if per_day else 1)
    if plant.capacity_kind == "clinker":
        return "clinker", annual, clinker
    if "flat-glass" in made and item["capacity"] > 800:
        return "flat_glass", annual * WEIGHT_CASES_PER_T, energy
    if "ceramic-tile" in made:
        low = energy.get(2023, 0) > 4.6  # the class whose level 3 the figure stays within
        return ("tile_e_le_0_5" if low else "tile_e_0_5_10"), annual, energy
    if "sanitary-ceramic" in made:
        return "sanitary", annual, energy
    if "lime" in made:
        return "lime", annual, energy
    return "other", annual, {}


def _wastes(kind: str, production: float, step: int) -> list[PlantReportWaste]:
    growth = 1.08**step
    return [
        PlantReportWaste(
            report_id=0, kind=code, tonnes=round(production * rate * growth), in_raw_meal=False
        )
        for code, rate in WASTES.get(kind, {}).items()
    ]


def _report(plant: Plant, item: dict, made: set[str], year: int, step: int) -> tuple:
    industry, capacity, energy = _industry(plant, item, made)
    production = round(capacity * (0.85 + 0.035 * step))
    value = energy.get(year)
    report = PlantReport(
        plant_id=plant.id,
        year=year,
        fuel_tce=round(production * (value or 30) / 1000),
        substitute_fuel_tce=round(production * (value or 30) / 1000 * (0.02 + 0.02 * step)),
        evidence=f"DEMO energy audit {year}, statistics form 205-1",
    )
    lines = [
        PlantReportProduct(
            report_id=0, industry=industry, capacity=capacity, production=production, energy=value
        )
    ]
    kind = "clinker" if industry == "clinker" else next(iter(made), "")
    if "gypsum" in made:
        kind = "gypsum" if item.get("capacity_unit") == "t/a" else "gypsum_board"
    wastes = _wastes(kind, production, step)
    if industry == "clinker":
        raw = _wastes("raw_meal", production, step)
        for w in raw:
            w.in_raw_meal = True
        wastes += raw
        report.raw_meal_limestone_t = round(production * 1.25 - sum(w.tonnes for w in raw))
    return report, lines, wastes


def _save(report, lines, wastes, status: str, admin: User, reason: str = "", *, session: Session):
    report.status = status
    if status != ReportStatus.SUBMITTED:
        report.decided_by_id, report.decided_at, report.decision_reason = admin.id, utcnow(), reason
    session.add(report)
    session.flush()
    for row in [*lines, *wastes]:
        row.report_id = report.id
        session.add(row)


def load_demo_reports(plants: list[tuple[dict, Plant, set[str]]], *, session: Session) -> int:
    """Add the demo plants' reports that are not there yet; return how many were added."""
    admin = session.exec(
        select(User).where(User.role == Role.ADMINISTRATOR).order_by(User.id)
    ).first()
    added = 0
    for item, plant, made in plants:
        if (
            not item.get("energy")
            or session.exec(select(PlantReport.id).where(PlantReport.plant_id == plant.id)).first()
        ):
            continue
        for step, year in enumerate(YEARS):
            report, lines, wastes = _report(plant, item, made, year, step)
            status = ReportStatus.CONFIRMED
            if year == 2025 and PENDING in plant.name:
                status = ReportStatus.SUBMITTED
            if year == 2025 and RETURNED[0] in plant.name:
                lines[0].energy = 98.4  # the slip the reviewer caught
                _save(
                    report,
                    lines,
                    wastes,
                    ReportStatus.RETURNED,
                    admin,
                    RETURNED[1],
                    session=session,
                )
            else:
                _save(report, lines, wastes, status, admin, session=session)
            added += 1
    if added and admin is not None:
        for year, tonnes in zip(YEARS, (1_100_000, 1_150_000, 1_200_000), strict=True):
            enter_figure(
                session=session,
                actor=admin,
                kind="phosphogypsum_produced",
                year=year,
                value=tonnes,
                source=DEMO_PG_SOURCE,
            )
    session.flush()
    return added
