"""The industries and solid-waste kinds of annual plant reports, from seeds/plant_reports.toml."""

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from greenbm.paths import SEEDS_DIR

REPORT_DATA_FILE = SEEDS_DIR / "plant_reports.toml"


@dataclass(frozen=True)
class Industry:
    """An industry a product line belongs to, with its units and official levels, if any."""

    code: str
    name_zh: str
    name_en: str
    unit: str
    energy_unit: str | None = None
    benchmark: float | None = None
    benchmark_source: str = ""
    levels: tuple[float, ...] = ()
    levels_source: str = ""

    def at_benchmark(self, energy: float | None) -> bool:
        """Return whether an energy per unit is at or better (lower) than the benchmark."""
        return self.benchmark is not None and energy is not None and energy <= self.benchmark


@dataclass(frozen=True)
class WasteKind:
    """A kind of solid waste or by-product; `carbonate`: it may replace limestone in raw meal."""

    code: str
    name_zh: str
    name_en: str
    carbonate: bool


@dataclass(frozen=True)
class ReportData:
    """The industries and waste kinds, by code, in the file's order."""

    industries: dict[str, Industry]
    wastes: dict[str, WasteKind]


def parse_report_data(path: Path = REPORT_DATA_FILE) -> ReportData:
    """Read and check the data file (a level or benchmark must come with its source)."""
    with open(path, "rb") as fh:
        raw = tomllib.load(fh)
    industries = {}
    for item in raw["industry"]:
        industry = Industry(**{**item, "levels": tuple(item.get("levels", ()))})
        if industry.benchmark is not None and not industry.benchmark_source:
            raise ValueError(f"{industry.code}: a benchmark needs its source")
        if industry.levels and (len(industry.levels) != 3 or not industry.levels_source):
            raise ValueError(f"{industry.code}: three levels and their source")
        if (industry.benchmark or industry.levels) and not industry.energy_unit:
            raise ValueError(f"{industry.code}: levels need an energy unit")
        industries[industry.code] = industry
    wastes = {item["code"]: WasteKind(**item) for item in raw["waste"]}
    return ReportData(industries, wastes)


@cache
def report_data() -> ReportData:
    """Return the shipped data file, read once."""
    return parse_report_data()
