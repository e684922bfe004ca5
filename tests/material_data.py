"""Helpers over the category data file for tests in several packages."""

import tomllib

from greenbm.paths import SEEDS_DIR


def certificate_only_codes() -> list[str]:
    """Return the codes of the categories without criteria here, in file order."""
    data = tomllib.loads((SEEDS_DIR / "categories.toml").read_text(encoding="utf-8"))
    return [c["code"] for c in data["category"] if not c.get("own_criteria", True)]
