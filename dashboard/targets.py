"""The plan's targets and base-year figure, from seeds/targets.toml (app config may override)."""

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from greenbm.paths import SEEDS_DIR

TARGETS_FILE = SEEDS_DIR / "targets.toml"


@dataclass(frozen=True)
class Targets:
    """The clinker targets of the Guizhou plan and the base year they are measured from."""

    benchmark_share_target: float
    reduction_target: float
    base_year: int
    base_value: float
    operating_days: int

    @property
    def target_value(self) -> float:
        """Return the capacity-weighted clinker energy the reduction target asks for (kgce/t)."""
        return self.base_value * (1 - self.reduction_target)

    def reduction(self, mean: float | None) -> float | None:
        """Return how far a mean lies below the base-year figure, as a share of it."""
        return None if mean is None else (self.base_value - mean) / self.base_value


def _check(targets: Targets) -> Targets:
    problems = []
    if not 0 <= targets.benchmark_share_target <= 1:
        problems.append("benchmark_share_target must lie between 0 and 1")
    if not 0 <= targets.reduction_target < 1:
        problems.append("reduction_target must lie between 0 and 1")
    if targets.base_value <= 0:
        problems.append("base_value must be greater than 0")
    if not 1 <= targets.operating_days <= 366:
        problems.append("operating_days must lie between 1 and 366")
    if problems:
        raise ValueError("Dashboard targets: " + "; ".join(problems))
    return targets


def load_targets(overrides: dict | None = None, path: Path = TARGETS_FILE) -> Targets:
    """Return the targets of the file's [clinker] table, with `overrides` replacing its keys."""
    with open(path, "rb") as fh:
        values = dict(tomllib.load(fh)["clinker"])
    values.update(overrides or {})
    names = {f.name for f in fields(Targets)}
    unknown = set(values) - set(names)
    if unknown:
        raise ValueError(f"Dashboard targets: unknown keys {sorted(unknown)}")
    return _check(
        Targets(
            benchmark_share_target=float(values["benchmark_share_target"]),
            reduction_target=float(values["reduction_target"]),
            base_year=int(values["base_year"]),
            base_value=float(values["base_value"]),
            operating_days=int(values["operating_days"]),
        )
    )
