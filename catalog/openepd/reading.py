"""Reading openEPD files into product fields, with the checks openepd leaves out."""

import json
import math
from dataclasses import dataclass
from datetime import date
from typing import Any

import pydantic
from flask_babel import gettext as _
from openepd.model.epd import Epd

from catalog.models import GwpProvenance
from catalog.openepd import EXT_KEY, GWP_UNIT
from catalog.openepd.gwp import GWP_FOSSIL, pick_gwp, stored_method
from catalog.openepd.messages import readable_error
from catalog.openepd.provenance import document_provenance, named_verifier
from catalog.units import (
    conversion_factor,
    dimension_name,
    format_unit,
    parse_unit,
    units_compatible,
)
from greenbm.messages import json_problem
from greenbm.text import normalise_text, text_problem
from greenbm.untrusted import Unreadable, load_untrusted


@dataclass(frozen=True, kw_only=True)
class ImportedProduct:
    """Product fields read from an openEPD file, GWP per one category declared unit."""

    name_en: str
    name_zh: str | None
    description: str
    model_spec: str
    declared_unit: str
    gwp_a1a3: float
    epd_programme_operator: str
    epd_registration_number: str
    epd_issue_date: date | None
    epd_valid_until: date | None
    epd_verifier: str
    gwp_provenance: str
    gwp_indicator: str
    gwp_lcia_method: str


# Provenances that rest on an EPD document: its issue and expiry dates are required.
EPD_PROVENANCES = (GwpProvenance.VERIFIED_EPD, GwpProvenance.VERIFIED_EPD_UNREGISTERED)


def import_openepd(
    raw: bytes, *, category_units: list[str], today: date, gwp_indicator: str = "gwp"
) -> tuple[ImportedProduct | None, list[str]]:
    """Read an openEPD file; return (product, []) or (None, every problem found).

    `gwp_indicator` is the GWP the category's criteria grade ("gwp" or "gwp-fossil").
    """
    problems: list[str] = []
    data = _load_json(raw, problems)
    if data is None:
        return None, problems
    epd, invalid = _validate(data, problems)
    if epd is None:
        return None, problems
    ours = (epd.ext or {}).get(EXT_KEY)
    ours = {k: v for k, v in ours.items() if isinstance(v, str)} if isinstance(ours, dict) else {}
    name = (epd.product_name or "").strip()
    if not name and "product_name" not in invalid:
        problems.append(_("The product name (product_name) is missing."))
    texts = _checked_texts(epd, name, ours, problems)
    provenance = document_provenance(
        texts["third_party_verifier"], texts["program_operator_doc_id"], ours
    )
    issued, valid_until = _check_dates(
        epd, invalid, problems, required=provenance in EPD_PROVENANCES, today=today
    )
    # Our own exports name their category unit: prefer it when a category allows several.
    units = sorted(category_units, key=lambda u: u != ours.get("declared_unit"))
    unit, amount = _check_declared_unit(epd, invalid, units, problems)
    method, gwp = _check_gwp(epd, invalid, gwp_indicator, problems)
    if problems:
        return None, problems
    return ImportedProduct(
        name_en=texts["product_name"],
        name_zh=texts["name_zh"] or None,
        description=texts["product_description"],
        model_spec=texts["model_spec"],
        declared_unit=unit,
        gwp_a1a3=gwp / amount,
        epd_programme_operator=texts["program_operator.name"],
        epd_registration_number=texts["program_operator_doc_id"],
        epd_issue_date=issued,
        epd_valid_until=valid_until,
        epd_verifier=texts["third_party_verifier"],
        gwp_provenance=provenance,
        gwp_indicator=gwp_indicator,
        gwp_lcia_method=stored_method(method),
    ), []


def _checked_texts(epd: Epd, name: str, ours: dict, problems: list[str]) -> dict[str, str]:
    """Return the text fields in NFC; note each that holds a control or invisible character."""
    operator = epd.program_operator
    texts = {
        "product_name": name,
        "name_zh": ours.get("name_zh") or "",
        "product_description": epd.product_description or "",
        "model_spec": ours.get("model_spec", ""),
        "program_operator.name": (operator.name or "") if operator else "",
        "program_operator_doc_id": epd.program_operator_doc_id or "",
        "third_party_verifier": named_verifier(epd),
    }
    texts = {key: normalise_text(value) for key, value in texts.items()}
    for key, value in texts.items():
        if problem := text_problem(value, field=key, multiline=key == "product_description"):
            problems.append(problem)
    return texts


def _load_json(raw: bytes, problems: list[str]) -> dict[str, Any] | None:
    try:
        data = load_untrusted(json.loads, raw)
    except UnicodeDecodeError:
        problems.append(_("The file is not UTF-8 text."))
        return None
    except Unreadable as exc:
        problems.append(str(exc))
        return None
    except json.JSONDecodeError as exc:
        problems.append(json_problem(exc))
        return None
    if not isinstance(data, dict):
        kinds = {list: _("an array"), str: _("a string"), bool: _("true or false")}
        kind = kinds.get(type(data), _("null") if data is None else _("a number"))
        problems.append(_("The file must hold one JSON object, found %(kind)s.", kind=kind))
        return None
    return data


def _validate(data: dict[str, Any], problems: list[str]) -> tuple[Epd | None, set[str]]:
    """Validate with openepd; on errors, report them and retry without the offending fields."""
    try:
        return Epd.model_validate(data), set()
    except pydantic.ValidationError as exc:
        errors = exc.errors()
    problems.extend(readable_error(error) for error in errors)
    invalid = {str(error["loc"][0]) for error in errors if error["loc"]}
    try:
        rest = Epd.model_validate({k: v for k, v in data.items() if k not in invalid})
    except pydantic.ValidationError:
        return None, invalid
    return rest, invalid


def _check_dates(
    epd: Epd, invalid: set[str], problems: list[str], *, required: bool, today: date
) -> tuple[date | None, date | None]:
    issued = epd.date_of_issue.date() if epd.date_of_issue else None
    valid_until = epd.valid_until.date() if epd.valid_until else None
    if required and issued is None and "date_of_issue" not in invalid:
        problems.append(_("The issue date (date_of_issue) is missing."))
    if required and valid_until is None and "valid_until" not in invalid:
        problems.append(_("The expiry date (valid_until) is missing."))
    # An expiry before the issue date is reported as that, not as an expired EPD as well.
    in_order = not (issued and valid_until and valid_until <= issued)
    if valid_until and in_order and valid_until < today:
        problems.append(
            _(
                "The EPD expired on %(date)s (valid_until): an expired EPD cannot supply new "
                "data. Ask the programme for the current EPD.",
                date=valid_until.isoformat(),
            )
        )
    if issued and valid_until and valid_until <= issued:
        problems.append(
            _(
                "The expiry date %(valid_until)s is not after the issue date %(issued)s.",
                valid_until=valid_until.isoformat(),
                issued=issued.isoformat(),
            )
        )
    return issued, valid_until


def _check_declared_unit(
    epd: Epd, invalid: set[str], category_units: list[str], problems: list[str]
) -> tuple[str, float]:
    """Return the matching category unit and how many of it the EPD's declared amount is."""
    declared = epd.declared_unit
    if declared is None:
        if "declared_unit" not in invalid:
            problems.append(_("The declared unit (declared_unit) is missing."))
        return "", 1.0
    qty, unit = declared.qty, (declared.unit or "").strip()
    if qty is None or not unit or not math.isfinite(qty) or qty <= 0:
        problems.append(
            _(
                "The declared unit needs a quantity above zero and a unit, found %(found)s.",
                found=declared.to_quantity_str(),
            )
        )
        return "", 1.0
    found = f"{qty:g} {format_unit(unit)}"
    try:
        parse_unit(unit)
    except ValueError:
        problems.append(_("The declared unit %(found)s is not a known unit.", found=found))
        return "", 1.0
    for candidate in category_units:
        if units_compatible(unit, candidate):
            return candidate, qty * conversion_factor(unit, candidate)
    expected = ", ".join(f"{format_unit(u)} ({dimension_name(u)})" for u in category_units)
    kind = dimension_name(unit)
    if len(category_units) == 1:
        problems.append(
            _(
                "Declared unit %(found)s (%(kind)s) does not match the category unit %(expected)s.",
                found=found,
                kind=kind,
                expected=expected,
            )
        )
    else:
        problems.append(
            _(
                "Declared unit %(found)s (%(kind)s) matches none of the category units "
                "%(expected)s.",
                found=found,
                kind=kind,
                expected=expected,
            )
        )
    return "", 1.0


def _check_gwp(
    epd: Epd, invalid: set[str], indicator: str, problems: list[str]
) -> tuple[str, float]:
    """Return (LCIA method, graded GWP A1-A3 in kgCO2e per the EPD's declared amount)."""
    picked = pick_gwp(epd, indicator)
    if picked is None and "impacts" in invalid:
        return "", 0.0  # already reported as an invalid field
    if picked is None:
        if indicator == GWP_FOSSIL:
            problems.append(
                _(
                    "This category grades fossil GWP, and no fossil GWP for modules A1-A3 "
                    "(impacts.<method>.gwp-fossil.A1A2A3) was found."
                )
            )
        else:
            problems.append(_("No GWP for modules A1-A3 (impacts.<method>.gwp.A1A2A3) was found."))
        return "", 0.0
    method, measurement = picked
    mean, unit = measurement.mean, (measurement.unit or "").strip()
    if not math.isfinite(mean) or mean <= 0:
        problems.append(
            _(
                "GWP A1-A3 must be greater than zero, found %(value)s %(unit)s.",
                value=f"{mean:g}",
                unit=unit,
            )
        )
    try:
        return method, mean * conversion_factor(unit, GWP_UNIT)
    except ValueError:
        problems.append(
            _(
                "The GWP unit %(found)s is not %(expected)s or convertible to it.",
                found=unit or _("(none)"),
                expected=GWP_UNIT,
            )
        )
        return method, 0.0
