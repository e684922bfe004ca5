"""One record of another body's certificate: checked, then upserted by (body, number)."""

import json
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlmodel import Session, select

from accounts.credit_code import CreditCodeError, normalize_credit_code
from accounts.models import Organisation, OrganisationKind, User
from accounts.recorded import manufacturer_of_record
from catalog.categories import category_lookup, list_categories
from catalog.certificate_status import CertificateStatus, live_status
from catalog.models import Category
from catalog.recorded import recorded_product
from certification.certificates.issue import summarise
from certification.models import Certificate, CertificateSource
from certification.states import CERTIFICATES, apply_move
from greenbm.errors import Invalid
from greenbm.models_base import utcnow

# The columns of an import file and the fields of a push, in this order.
REQUIRED = (
    "certificate_number",
    "body_name",
    "body_code",
    "holder_uscc",
    "holder_name",
    "manufacturer_uscc",
    "manufacturer_name",
    "product_name",
    "model",
    "category",
    "stars",
    "status",
    "issued_on",
    "valid_until",
)
OPTIONAL = ("plant_address", "gwp", "gwp_unit")
FIELDS = REQUIRED + OPTIONAL
_LENGTHS = {"certificate_number": 40, "model": 200, "plant_address": 300}


@dataclass(frozen=True)
class ExternalRecord:
    """Another body's record of one certificate, checked."""

    number: str
    body_code: str
    holder_uscc: str
    holder_name: str
    manufacturer_uscc: str
    manufacturer_name: str
    product_name: str
    model: str
    category: Category
    stars: int
    status: str
    issued_on: date
    valid_until: date
    plant_address: str
    gwp: float | None


def category_finder(*, session: Session):
    """Return a function finding a category by its code or its Chinese or English name."""
    return category_lookup(list_categories(session=session))


def _date(value: str, field: str, errors: dict) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors[field] = [_("Give the date as YYYY-MM-DD, not “%(value)s”.", value=value[:20])]
        return None


def parse_record(values: dict[str, str], find_category) -> ExternalRecord:
    """Return the checked record of the given texts, or raise Invalid naming every bad field."""
    text = {f: " ".join(str(values.get(f) or "").split()) for f in FIELDS}
    errors: dict[str, list[str]] = {}
    for field in REQUIRED:
        if not text[field]:
            errors[field] = [_("Required.")]
        elif len(text[field]) > _LENGTHS.get(field, 200):
            errors[field] = [_("At most %(n)d characters.", n=_LENGTHS.get(field, 200))]
    codes = {}
    for field in ("holder_uscc", "manufacturer_uscc"):
        try:
            codes[field] = normalize_credit_code(text[field])
        except CreditCodeError as exc:
            errors.setdefault(field, [str(exc)])
    category = find_category(text["category"]) if text["category"] else None
    if text["category"] and category is None:
        errors["category"] = [
            _("No category has the code or name “%(value)s”.", value=text["category"][:40])
        ]
    stars = int(text["stars"]) if text["stars"] in ("1", "2", "3") else None
    if text["stars"] and stars is None:
        errors["stars"] = [_("Stars are 1, 2 or 3.")]
    if text["status"] and text["status"] not in CertificateStatus.__members__.values():
        errors["status"] = [_("The status is one of valid, suspended, revoked, expired.")]
    issued = _date(text["issued_on"], "issued_on", errors) if text["issued_on"] else None
    until = _date(text["valid_until"], "valid_until", errors) if text["valid_until"] else None
    if issued and until and until < issued:
        errors["valid_until"] = [_("The end date is before the issue date.")]
    gwp = None
    if text["gwp"]:
        try:
            gwp = float(text["gwp"])
        except ValueError:
            errors["gwp"] = [_("The GWP is a number.")]
        if (
            gwp is not None
            and category is not None
            and not category.gwp_min <= gwp <= category.gwp_max
        ):
            errors["gwp"] = [_("The GWP is outside the plausible range of the category.")]
    if text["gwp_unit"] and category is not None and text["gwp_unit"] not in category.allowed_units:
        errors["gwp_unit"] = [
            _("The declared unit of the category is %(unit)s.", unit=category.declared_unit)
        ]
    if errors:
        raise Invalid(errors)
    return ExternalRecord(
        number=text["certificate_number"].upper(),
        body_code=text["body_code"],
        holder_uscc=codes["holder_uscc"],
        holder_name=text["holder_name"],
        manufacturer_uscc=codes["manufacturer_uscc"],
        manufacturer_name=text["manufacturer_name"],
        product_name=text["product_name"],
        model=text["model"],
        category=category,
        stars=stars,
        status=text["status"],
        issued_on=issued,
        valid_until=until,
        plant_address=text["plant_address"],
        gwp=gwp,
    )


def body_with_code(code: str, *, session: Session) -> Organisation | None:
    """Return the certification body with this CNCA approval number, or None."""
    return session.exec(
        select(Organisation).where(
            Organisation.approval_number == " ".join(code.split()).upper(),
            Organisation.kind == OrganisationKind.CERTIFICATION_BODY,
        )
    ).first()


def _snapshot(record: ExternalRecord, body: Organisation) -> str:
    printed = {
        "holder_name_zh": record.holder_name,
        "holder_name_en": "",
        "factory_name": "",
        "product_name_en": "",
        "series": "",
        "standard": "",
        "holder_credit_code": record.holder_uscc,
        "manufacturer_name_zh": record.manufacturer_name,
        "manufacturer_credit_code": record.manufacturer_uscc,
        "factory_address": record.plant_address,
        "product_name_zh": record.product_name,
        "model_spec": record.model,
        "category_code": record.category.code,
        "category_name_zh": record.category.name_zh,
        "category_name_en": record.category.name_en,
        "body_name_zh": body.name_zh,
        "body_name_en": body.name_en or "",
        "body_approval_number": body.approval_number,
    }
    return json.dumps(printed, ensure_ascii=False, sort_keys=True)


def upsert_external(
    *,
    session: Session,
    body: Organisation,
    record: ExternalRecord,
    source: CertificateSource,
    reason: str,
    actor: User | None = None,
    today: date | None = None,
) -> str:
    """Record the body's certificate; return "created", "updated" or "unchanged".

    Keyed by (body, number): a number on another body's record, or on a certificate issued
    here, is refused. The record counts as confirmed now whatever changed. A status change is
    a move of the certificate workflow, with its event; the live status decides whether the
    status changed, so a record that says "valid" past its end date changes nothing once the
    nightly job has recorded the expiry.
    """
    today = today or date.today()
    certificate = session.exec(
        select(Certificate).where(Certificate.number == record.number)
    ).first()
    if certificate is not None and (
        certificate.body_id != body.id or certificate.source == CertificateSource.ISSUED
    ):
        raise Invalid({"certificate_number": [_("This number belongs to another record.")]})
    holder = manufacturer_of_record(
        record.holder_uscc, record.holder_name, session=session, field="holder_uscc"
    )
    maker = manufacturer_of_record(
        record.manufacturer_uscc,
        record.manufacturer_name,
        session=session,
        field="manufacturer_uscc",
    )
    facts = {
        "holder_id": holder.id,
        "category_id": record.category.id,
        "stars": record.stars,
        "issued_on": record.issued_on,
        "valid_until": record.valid_until,
        "snapshot": _snapshot(record, body),
    }
    outcome = "unchanged"
    was = None
    if certificate is not None:
        was = live_status(certificate.status, certificate.valid_until, today)
    if certificate is None:
        product = recorded_product(
            session=session,
            body_id=body.id,
            manufacturer=maker,
            category=record.category,
            name=record.product_name,
            model=record.model,
            plant_address=record.plant_address,
            gwp=record.gwp,
        )
        certificate = Certificate(
            number=record.number, product_id=product.id, body_id=body.id, **facts
        )
        outcome = "created"
    elif any(getattr(certificate, k) != v for k, v in facts.items()):
        for key, value in facts.items():
            setattr(certificate, key, value)
        outcome = "updated"
    certificate.source = source
    certificate.last_confirmed_at = utcnow()
    moved = outcome == "created" or (
        certificate.status != record.status
        and was != live_status(record.status, record.valid_until, today)
    )
    if moved:
        apply_move(
            CERTIFICATES,
            certificate,
            f"record_{record.status}",
            actor=None,
            reason=reason,
            recorded_by=actor,
            session=session,
        )
        outcome = "updated" if outcome == "unchanged" else outcome
    session.add(certificate)
    session.flush()
    if outcome != "unchanged":
        summarise(certificate, session=session)
    return outcome
