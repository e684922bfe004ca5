"""Seeding the reference data: categories with their variants and indicators, from the data file."""

import tomllib

from sqlmodel import Session, select

from catalog.models import Category, CategoryIndicator, CategoryVariant
from greenbm.paths import SEEDS_DIR


def read_seed(name: str) -> dict:
    """Return a TOML data file of the seeds folder."""
    with open(SEEDS_DIR / name, "rb") as fh:
        return tomllib.load(fh)


def upsert(model, where: dict, values: dict, *, session: Session, keep: tuple[str, ...] = ()):
    """Return the row matching `where`, created or updated with `values` (but `keep` fields)."""
    row = session.exec(select(model).filter_by(**where)).first()
    if row is None:
        row = model(**where, **values)
        session.add(row)
    else:
        for key, value in values.items():
            if key not in keep:
                setattr(row, key, value)
    session.flush()
    return row


# Administrators edit these in the console (/admin/categories); a later seed must not undo that.
ADMIN_MANAGED_CATEGORY_FIELDS = ("name_zh", "name_en", "declared_unit", "procurement_class")


def category_source(item: dict, sources: dict) -> str:
    """Return a category's cited source as one line: the source's short title and the item."""
    source = sources[item["source"]["ref"]]
    return f"{source['short']} — {item['source']['item']}"


def load_categories(*, session: Session) -> int:
    """Create the categories, or update the seed-managed fields of existing ones."""
    file = read_seed("categories.toml")
    data = file["category"]
    for position, item in enumerate(data):
        category = upsert(
            Category,
            {"code": item["code"]},
            {
                "name_zh": item["name_zh"],
                "name_en": item["name_en"],
                "declared_unit": item["declared_unit"],
                "alternative_units": ",".join(item.get("alternative_units", [])),
                "procurement_class": item["procurement_class"],
                "gwp_reference": item.get("gwp_reference"),
                "gwp_reference_source": item.get("gwp_reference_source", ""),
                "gwp_min": item["gwp_plausible"][0],
                "gwp_max": item["gwp_plausible"][1],
                "variant_attribute": item.get("variant_attribute"),
                "variant_name_zh": item.get("variant_name_zh"),
                "variant_name_en": item.get("variant_name_en"),
                "position": position,
                "source": category_source(item, file["source"]),
                "own_criteria": item.get("own_criteria", True),
                "gwp_indicator": item.get("gwp_indicator", "gwp"),
            },
            keep=ADMIN_MANAGED_CATEGORY_FIELDS,
            session=session,
        )
        for vpos, variant in enumerate(item.get("variant", [])):
            upsert(
                CategoryVariant,
                {"category_id": category.id, "code": variant["code"]},
                {
                    "name_zh": variant["name_zh"],
                    "name_en": variant["name_en"],
                    "gwp_reference": variant.get("gwp_reference"),
                    "gwp_reference_source": variant.get("gwp_reference_source", ""),
                    "position": vpos,
                },
                session=session,
            )
        for ipos, ind in enumerate(item.get("indicator", [])):
            upsert(
                CategoryIndicator,
                {"category_id": category.id, "code": ind["code"]},
                {
                    "group": ind["group"],
                    "name_zh": ind["name_zh"],
                    "name_en": ind["name_en"],
                    "unit": ind["unit"],
                    "plausible_min": ind["plausible"][0],
                    "plausible_max": ind["plausible"][1],
                    "position": ipos,
                },
                session=session,
            )
    return len(data)
