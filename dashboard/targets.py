"""The plan's targets, from seeds/targets.toml (app config may override); no base-year figure.

The base year of the clinker target comes from the confirmed reports or an administrator's
cited entry (dashboard.clinker.clinker_base), never from a setting.
"""

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from greenbm.paths import SEEDS_DIR

TARGETS_FILE = SEEDS_DIR / "targets.toml"


@dataclass(frozen=True)
class Targets:
    """The clinker targets of the Guizhou plan and the operating days of a kiln."""

    benchmark_share_target: float
    reduction_target: float
    operating_days: int


def _check(targets: Targets) -> Targets:
    problems = []
    if not 0 <= targets.benchmark_share_target <= 1:
        problems.append("benchmark_share_target must lie between 0 and 1")
    if not 0 <= targets.reduction_target < 1:
        problems.append("reduction_target must lie between 0 and 1")
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
            operating_days=int(values["operating_days"]),
        )
    )
