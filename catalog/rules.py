"""Pure rules for a product's declared data: units, ranges, dates and completeness."""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _

from catalog.models import GwpProvenance


@dataclass(frozen=True)
class IndicatorSpec:
    """An indicator a product of the category declares, with its plausible range."""

    code: str
    unit: str
    minimum: float
    maximum: float


@dataclass(frozen=True)
class CategorySpec:
    """What a category asks of its products, as plain values."""

    code: str
    units: tuple[str, ...]
    variants: tuple[str, ...]
    gwp_min: float
    gwp_max: float
    indicators: tuple[IndicatorSpec, ...]


@dataclass
class ProductInput:
    """A product's declared data as entered, before it is stored."""

    plant_id: int | None
    name_zh: str
    declared_unit: str
    gwp_a1a3: float | None
    gwp_provenance: str
    name_en: str = ""
    series: str = ""
    model_spec: str = ""
    description: str = ""
    variant: str | None = None
    epd_programme_operator: str = ""
    epd_registration_number: str = ""
    epd_issue_date: date | None = None
    epd_valid_until: date | None = None
    epd_verifier: str = ""
    # Set by an openEPD import: which GWP was read ("gwp", "gwp-fossil") under which method.
    gwp_indicator: str = ""
    gwp_lcia_method: str = ""
    indicator_values: dict[str, float] = field(default_factory=dict)


def _num(value: float) -> str:
    return f"{value:g}"


def check_product(
    spec: CategorySpec, data: ProductInput, *, today: date, complete: bool
) -> dict[str, list[str]]:
    """Return every problem of the data by field name; `complete` also requires every indicator."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not data.name_zh.strip():
        add("name_zh", _("The Chinese product name is required."))
    if data.declared_unit not in spec.units:
        add(
            "declared_unit",
            _("Use one of the category's units: %(units)s.", units=", ".join(spec.units)),
        )
    if spec.variants and data.variant not in spec.variants:
        add("variant", _("Choose the product's class."))
    if not spec.variants and data.variant:
        add("variant", _("This category has no classes."))
    _check_gwp(spec, data, add)
    _check_epd(data, today, add)
    known = {i.code: i for i in spec.indicators}
    for code in data.indicator_values:
        if code not in known:
            add(f"ind_{code}", _("%(code)s is not an indicator of this category.", code=code))
    for ind in spec.indicators:
        value = data.indicator_values.get(ind.code)
        if value is None:
            if complete:
                add(f"ind_{ind.code}", _("A value is required before publishing."))
        elif not ind.minimum <= value <= ind.maximum:
            add(
                f"ind_{ind.code}",
                _(
                    "%(value)s %(unit)s is outside the plausible range %(min)s–%(max)s %(unit)s.",
                    value=_num(value),
                    unit=ind.unit,
                    min=_num(ind.minimum),
                    max=_num(ind.maximum),
                ),
            )
    return errors


def _check_gwp(spec: CategorySpec, data: ProductInput, add) -> None:
    if data.gwp_a1a3 is None:
        add("gwp_a1a3", _("The GWP (A1–A3) is required."))
    elif data.gwp_a1a3 <= 0:
        add("gwp_a1a3", _("The GWP must be greater than 0 kgCO2e."))
    elif not spec.gwp_min <= data.gwp_a1a3 <= spec.gwp_max:
        add(
            "gwp_a1a3",
            _(
                "%(value)s kgCO2e per declared unit is outside the plausible range "
                "%(min)s–%(max)s for this category: check the unit.",
                value=_num(data.gwp_a1a3),
                min=_num(spec.gwp_min),
                max=_num(spec.gwp_max),
            ),
        )
    if data.gwp_provenance not in GwpProvenance.__members__.values():
        add("gwp_provenance", _("Choose where the GWP figure comes from."))


def _check_epd(data: ProductInput, today: date, add) -> None:
    issued, until = data.epd_issue_date, data.epd_valid_until
    if issued and issued > today:
        add("epd_issue_date", _("The EPD issue date cannot be in the future."))
    if issued and until and until <= issued:
        add("epd_valid_until", _("The EPD must be valid until a date after its issue date."))
    required = {
        "epd_programme_operator": data.epd_programme_operator.strip(),
        "epd_registration_number": data.epd_registration_number.strip(),
        "epd_verifier": data.epd_verifier.strip(),
        "epd_issue_date": issued,
        "epd_valid_until": until,
    }
    for name in EPD_FIELDS_REQUIRED.get(data.gwp_provenance, ()):
        if not required[name]:
            if data.gwp_provenance == GwpProvenance.VERIFIED_LCA:
                add(name, _("Name the verifier: required when the GWP comes from a verified LCA."))
            else:
                add(name, _("Required when the GWP comes from a verified EPD."))


# What each EPD provenance must state; the same split as `epd_provenance` reads from a document.
EPD_FIELDS_REQUIRED = {
    GwpProvenance.VERIFIED_EPD: (
        "epd_programme_operator",
        "epd_registration_number",
        "epd_verifier",
        "epd_issue_date",
        "epd_valid_until",
    ),
    GwpProvenance.VERIFIED_EPD_UNREGISTERED: ("epd_verifier", "epd_issue_date", "epd_valid_until"),
    GwpProvenance.VERIFIED_LCA: ("epd_verifier",),
}

# Best first, as GB/T 51366-2019 §6.2.4 ranks verified data above self-declared and defaults.
PROVENANCE_RANK = (
    GwpProvenance.VERIFIED_EPD,
    GwpProvenance.VERIFIED_EPD_UNREGISTERED,
    GwpProvenance.VERIFIED_LCA,
    GwpProvenance.SELF_DECLARED,
    GwpProvenance.DEFAULT_FACTOR,
)


def weaker_provenance(a: str, b: str) -> str:
    """Return the lower-ranked of two provenances: a document may claim less than it shows."""
    return max(a, b, key=PROVENANCE_RANK.index)


def epd_provenance(*, verifier: str, registration_number: str) -> GwpProvenance:
    """Return an EPD's provenance from what it states: verifier and programme registration.

    Verified with a registration: verified EPD; verifier but no registration: verified, not
    registered; no verifier: self-declared. A missing registration never refuses a document.
    """
    if not verifier.strip():
        return GwpProvenance.SELF_DECLARED
    if registration_number.strip():
        return GwpProvenance.VERIFIED_EPD
    return GwpProvenance.VERIFIED_EPD_UNREGISTERED
