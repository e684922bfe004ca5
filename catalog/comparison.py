"""Side-by-side comparison of up to four published products, with differing rows flagged."""

from dataclasses import dataclass, field

from sqlmodel import Session, select

from catalog.finder import ProductRow, live_status, load_rows
from catalog.models import CategoryIndicator, ProductIndicatorValue
from catalog.units import conversion_factor, units_compatible

MAX_COMPARED = 4


def parse_id_list(raw: str | None) -> tuple[list[int], list[str]]:
    """Return the distinct positive integer ids in a comma-separated list, and what was not one."""
    ids: list[int] = []
    bad: list[str] = []
    for piece in (raw or "").split(","):
        piece = piece.strip()
        if not piece:
            continue
        if piece.isascii() and piece.isdigit() and 0 < int(piece) < 2**31:
            if int(piece) not in ids:
                ids.append(int(piece))
        else:
            bad.append(piece[:20])
    return ids, bad


@dataclass(frozen=True)
class Gwp:
    """A GWP expressed per the comparison's unit, or flagged when its unit cannot be."""

    value: float
    unit: str
    comparable: bool
    declared_value: float
    declared_unit: str

    @property
    def converted(self) -> bool:
        """Return whether the value was converted from another unit of the same kind."""
        return self.comparable and self.unit != self.declared_unit


@dataclass(frozen=True)
class Row:
    """One row of the comparison: what it shows, each product's value, whether they differ."""

    kind: str
    values: list
    differs: bool
    indicator: CategoryIndicator | None = None


@dataclass
class Comparison:
    """The compared products, the rows, and what could not be compared."""

    columns: list[ProductRow]
    rows: list[Row] = field(default_factory=list)
    unit: str | None = None
    too_many: int = 0
    malformed: list[str] = field(default_factory=list)
    unknown: list[int] = field(default_factory=list)

    @property
    def units_differ(self) -> bool:
        """Return whether some product's GWP is per a unit of another kind than the first's."""
        return any(not g.comparable for r in self.rows if r.kind == "gwp" for g in r.values)


def normalise_gwp(value: float, unit: str, base: str) -> Gwp:
    """Return the GWP per the base unit when the units measure the same kind of quantity."""
    try:
        comparable = units_compatible(unit, base)
    except ValueError:
        comparable = False
    if not comparable:
        return Gwp(value, unit, False, value, unit)
    # kgCO2e per unit × units per base = kgCO2e per base.
    return Gwp(value * conversion_factor(base, unit), base, True, value, unit)


def _differs(keys: list) -> bool:
    return len(keys) > 1 and len(set(keys)) > 1


def _gwp_key(gwp: Gwp):
    return f"{gwp.value:.4g}" if gwp.comparable else ("incomparable", gwp.declared_unit)


def _indicator_rows(columns: list[ProductRow], *, session: Session) -> list[Row]:
    ids = [c.product.id for c in columns]
    found = session.exec(
        select(ProductIndicatorValue, CategoryIndicator)
        .join(CategoryIndicator, CategoryIndicator.id == ProductIndicatorValue.indicator_id)
        .where(ProductIndicatorValue.product_id.in_(ids))
        .order_by(CategoryIndicator.category_id, CategoryIndicator.position)
    ).all()
    indicators: dict[tuple[str, str], CategoryIndicator] = {}
    values: dict[tuple[str, str], dict[int, float]] = {}
    for value, indicator in found:
        key = (indicator.code, indicator.unit)  # the same code in two categories is one row
        indicators.setdefault(key, indicator)
        values.setdefault(key, {})[value.product_id] = value.value
    rows = []
    for key, indicator in indicators.items():
        cells = [values[key].get(i) for i in ids]
        rows.append(Row("indicator", cells, _differs(cells), indicator))
    return rows


def build_rows(columns: list[ProductRow], *, session: Session) -> tuple[list[Row], str | None]:
    """Return the comparison rows and the unit GWP is expressed in (the first product's)."""
    if not columns:
        return [], None
    base = columns[0].product.declared_unit
    gwps = [normalise_gwp(c.product.gwp_a1a3, c.product.declared_unit, base) for c in columns]
    plain = {
        "category": [(c.category, c.category.code) for c in columns],
        "manufacturer": [(c.manufacturer, c.manufacturer.id) for c in columns],
        "division": [(c.manufacturer.division_code,) * 2 for c in columns],
        "model": [(c.product.model_spec,) * 2 for c in columns],
        "declared_unit": [(c.product.declared_unit,) * 2 for c in columns],
        "gwp": [(g, _gwp_key(g)) for g in gwps],
        "provenance": [(c.product.gwp_provenance,) * 2 for c in columns],
        "certificate": [
            (
                (c.product.cert_stars, live_status(c.product), c.product.cert_number),
                (c.product.cert_stars, live_status(c.product)),
            )
            for c in columns
        ],
    }
    rows = [
        Row(kind, [shown for shown, _ in cells], _differs([key for _, key in cells]))
        for kind, cells in plain.items()
    ]
    return rows + _indicator_rows(columns, session=session), base


def compare(raw_ids: str | None, *, session: Session) -> Comparison:
    """Return the comparison of the products named in a comma-separated id list."""
    ids, malformed = parse_id_list(raw_ids)
    chosen = ids[:MAX_COMPARED]
    columns = load_rows(chosen, session=session)
    found = {c.product.id for c in columns}
    rows, unit = build_rows(columns, session=session)
    return Comparison(
        columns=columns,
        rows=rows,
        unit=unit,
        too_many=max(len(ids) - MAX_COMPARED, 0),
        malformed=malformed,
        unknown=[i for i in chosen if i not in found],
    )
