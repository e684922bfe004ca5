"""Writing catalogue products as openEPD documents."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from openepd.model.lcia import LCIAMethod
from openepd.model.versioning import OpenEpdVersions

from catalog.openepd import EXT_KEY, GWP_UNIT
from catalog.units import to_openepd_unit

EXPORT_LCIA_METHOD = LCIAMethod.UNKNOWN.value
"""Method of a GWP not read from an EPD: the catalogue does not know it, so claims none."""
CREDIT_CODE_KEY = "CN-USCC"
"""alt_ids key of the unified social credit code (统一社会信用代码)."""
_DESCRIPTION_MAX = 2000  # openEPD product_description limit


@dataclass(frozen=True, kw_only=True)
class ExportProduct:
    """Plain values of a catalogue product, as export_openepd needs them."""

    id: int
    name_en: str
    name_zh: str | None
    description: str
    model_spec: str
    manufacturer_name: str
    manufacturer_name_en: str | None
    manufacturer_credit_code: str | None
    plant_name: str | None
    plant_address: str | None
    declared_unit: str
    gwp_a1a3: float
    gwp_provenance: str
    epd_programme_operator: str | None
    epd_registration_number: str | None
    epd_issue_date: date | None
    epd_valid_until: date | None
    category_code: str
    epd_verifier: str = ""
    gwp_indicator: str = "gwp"
    gwp_lcia_method: str = ""


def export_openepd(product: ExportProduct) -> dict[str, Any]:
    """Return the product as an openEPD document (JSON-ready dict, dates as ISO strings)."""
    qty, unit = to_openepd_unit(product.declared_unit)
    doc: dict[str, Any] = {
        "doctype": "openEPD",
        "openepd_version": OpenEpdVersions.get_current().as_str(),
        "language": "en",
        "product_name": product.name_en or product.name_zh,
        "product_description": _clip(product.description, _DESCRIPTION_MAX),
        "alt_ids": {EXT_KEY: str(product.id)},
        "product_classes": {EXT_KEY: product.category_code},
        "applicable_in": ["CN"],
        "manufacturer": _org(
            product.manufacturer_name_en or product.manufacturer_name,
            product.manufacturer_name if product.manufacturer_name_en else None,
            product.manufacturer_credit_code,
        ),
        "declared_unit": {"qty": qty, "unit": unit},
        # The figure is the GWP its category grades (total or fossil), under its method.
        "impacts": {
            product.gwp_lcia_method or EXPORT_LCIA_METHOD: {
                product.gwp_indicator or "gwp": {
                    "A1A2A3": {"mean": product.gwp_a1a3, "unit": GWP_UNIT}
                }
            }
        },
        "ext": {
            EXT_KEY: {
                "name_zh": product.name_zh,
                "model_spec": product.model_spec,
                "declared_unit": product.declared_unit,
                "gwp_provenance": product.gwp_provenance,
            }
        },
    }
    if product.plant_name:
        plant: dict[str, Any] = {"name": product.plant_name}
        if product.plant_address:
            plant["location"] = {"address": product.plant_address, "country": "CN"}
        doc["plants"] = [plant]
    if product.epd_programme_operator:
        doc["program_operator"] = {"name": product.epd_programme_operator}
    if product.epd_verifier:
        doc["third_party_verifier"] = {"name": product.epd_verifier}
    if product.epd_registration_number:
        doc["program_operator_doc_id"] = product.epd_registration_number
    if product.epd_issue_date:
        doc["date_of_issue"] = _iso_datetime(product.epd_issue_date)
    if product.epd_valid_until:
        doc["valid_until"] = _iso_datetime(product.epd_valid_until)
    return doc


def _org(name: str, alt_name: str | None, credit_code: str | None) -> dict[str, Any]:
    org: dict[str, Any] = {"name": name}
    if alt_name:
        org["alt_names"] = [alt_name]
    if credit_code:
        org["alt_ids"] = {CREDIT_CODE_KEY: credit_code}
    return org


def _iso_datetime(day: date) -> str:
    """openEPD dates are date-times: midnight UTC of the day, e.g. "2024-03-15T00:00:00Z"."""
    return datetime.combine(day, time(), tzinfo=UTC).isoformat().replace("+00:00", "Z")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
